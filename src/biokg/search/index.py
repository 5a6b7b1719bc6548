"""A text index over the names of every resource, in SQLite's FTS5 (the standard library), ranked by how a name
matches: exact before prefix before word before infix, names before aliases before descriptions.

Text is folded before it is indexed or looked up (compatibility forms, accents of Latin letters and case), so
"Munchen" finds "München" and full-width letters find their ASCII forms; Japanese voicing marks are letters,
not accents, and stay. The word table (unicode61) finds a word's prefix anywhere in a name; the trigram table
finds any part of three or more characters, in any script; in East Asian names, where two characters make a
word ("大阪"), a table of character pairs finds parts of two.

The index is built from the store's statements when the store is opened, so it holds exactly what the store
holds after every load and import; `SearchIndex.build` over 51,370 organisations is timed in
`benchmarks/search.py`.
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.namespaces import BKG, PREFIXES
from biokg.store.base import Store, select
from biokg.terms import words_of

_RDFS, _SKOS, _SCHEMA = PREFIXES["rdfs"], PREFIXES["skos"], PREFIXES["schema"]
FIELDS: dict[str, int] = {
    _RDFS + "label": 0,
    _SKOS + "prefLabel": 0,
    _SCHEMA + "name": 0,
    PREFIXES["foaf"] + "name": 0,
    _SCHEMA + "legalName": 0,
    _SKOS + "altLabel": 1,
    str(BKG.acronym): 1,
    _SCHEMA + "alternateName": 1,
    _SCHEMA + "description": 2,
    PREFIXES["dcterms"] + "description": 2,
}
"""The properties whose text is indexed, and their field: 0 a name, 1 an alias or acronym, 2 a description. A
match in a lower field ranks first among matches of the same kind."""
_LANGUAGE_ORDER = ("en", "", "und", "de", "ja")
"""Which label a resource is shown by: English first, then a label without a language, German, Japanese."""
TIERS = {"exact": 4, "prefix": 3, "word": 2, "infix": 1}
"""How a name matches the text, best first; a hit's score is ten times its tier less its field."""
_TOP = "\U0010ffff"
_EAST_ASIAN = "\u2e80"
"""From here on, Unicode's blocks are CJK, kana, Hangul and the like."""

_SCHEMA_SQL = """
CREATE TABLE resource (id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, label TEXT NOT NULL, language TEXT NOT NULL,
                       sort_key TEXT NOT NULL, type TEXT, country TEXT);
CREATE TABLE member (class TEXT NOT NULL, resource INTEGER NOT NULL, sort_key TEXT NOT NULL);
CREATE TABLE name (id INTEGER PRIMARY KEY, resource INTEGER NOT NULL, text TEXT NOT NULL,
                   folded TEXT NOT NULL, field INTEGER NOT NULL);
CREATE TABLE pair (gram TEXT NOT NULL, name INTEGER NOT NULL);
CREATE VIRTUAL TABLE word USING fts5(folded, content='name', content_rowid='id', tokenize='unicode61');
CREATE VIRTUAL TABLE gram USING fts5(folded, content='name', content_rowid='id', tokenize='trigram');
"""
_INDEXES_SQL = """
CREATE INDEX name_folded ON name (folded);
CREATE INDEX pair_gram ON pair (gram);
CREATE INDEX member_class ON member (class, sort_key, resource);
CREATE INDEX member_resource ON member (resource);
INSERT INTO word (word) VALUES ('rebuild');
INSERT INTO gram (gram) VALUES ('rebuild');
"""


def fold(text: str) -> str:
    """Text as the index compares it: compatibility forms unified, Latin accents dropped, case folded, spaces
    collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not "\u0300" <= character <= "\u036f")
    return " ".join(unicodedata.normalize("NFKC", bare).casefold().split())


@dataclass(frozen=True)
class Entry:
    """One resource as the index takes it: its names by field and language, classes and country."""

    iri: str
    names: tuple[tuple[str, int, str], ...]
    """(text, field, language) of each indexed statement."""
    types: tuple[str, ...] = ()
    """Asserted classes."""
    classes: tuple[str, ...] = ()
    """Every class it belongs to, the asserted ones and their superclasses."""
    country: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    """(text, language) of its rdfs:label statements, which it is shown by before its other names (a ROR
    record's display name "Tubulis (Germany)" before the name "Tubulis" it gives in a language)."""


@dataclass(frozen=True)
class Hit:
    """A resource found by its name."""

    iri: str
    label: str
    language: str
    """The label's language tag, empty for a label without one."""
    type: str | None
    type_label: str | None
    score: int
    matched: str
    """The name that matched, as the data writes it."""


@dataclass(frozen=True)
class Listed:
    """A resource in a class listing."""

    iri: str
    label: str
    type: str | None
    type_label: str | None


class SearchIndex:
    """Names of resources, looked up in a few milliseconds; safe to share between threads."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.executescript(_SCHEMA_SQL)
        self._fill(entries)
        self._db.executescript(_INDEXES_SQL)

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """The index of every resource of `store` that has a type or a name."""
        return cls(_entries(store))

    def refresh(self, store: Store, iris: Iterable[str]) -> None:
        """Index `iris` anew from `store`, as a write left them: their rows replaced, or removed when the store no
        longer names or types them. What a resource's entry reads of other resources (the places around it, the
        classes above its own) is taken as it is now; a write that changes those is indexed by `build`."""
        wanted = sorted(set(iris))
        entries = list(_entries(store, wanted)) if wanted else []
        with self._lock:
            old = self._ids("SELECT id FROM resource WHERE iri IN ({})", wanted)
            names = self._db.execute(
                f"SELECT id, folded FROM name WHERE resource IN ({','.join('?' * len(old))})", old
            ).fetchall()
            for table in ("word", "gram"):  # external-content FTS tables are told what leaves them
                self._db.executemany(f"INSERT INTO {table} ({table}, rowid, folded) VALUES ('delete', ?, ?)", names)
            name_ids = [row for row, _ in names]
            for sql, ids in (
                ("DELETE FROM pair WHERE name IN ({})", name_ids),
                ("DELETE FROM name WHERE resource IN ({})", old),
                ("DELETE FROM member WHERE resource IN ({})", old),
                ("DELETE FROM resource WHERE id IN ({})", old),
            ):
                self._db.execute(sql.format(",".join("?" * len(ids))), ids)  # one scan of the table each
            added = self._fill(entries)
            for table in ("word", "gram"):
                self._db.executemany(f"INSERT INTO {table} (rowid, folded) VALUES (?, ?)", added)
            self._db.commit()

    def _ids(self, sql: str, values: Sequence[str]) -> list[int]:
        return [row[0] for row in self._db.execute(sql.format(",".join("?" * len(values))), values)]

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM resource").fetchone()[0])

    def search(
        self, text: str, class_iri: str | None = None, country: str | None = None, limit: int = 10
    ) -> list[Hit]:
        """The resources whose names match `text` best, at most `limit`, of a class and in a country if given.

        The kinds of match are asked for best first, and the costlier ones (words, parts) only while fewer than
        `limit` resources are found: a resource found only by a lesser kind scores lower than all of those."""
        tiers = _tiers(fold(text))
        sql, filters = _filtered(class_iri, country)
        rows: list[tuple[str, str, str, str | None, int, str]] = []
        for asked in range(2, len(tiers) + 1):
            hits = " UNION ALL ".join(part for part, _ in tiers[:asked])
            parameters = [value for _, values in tiers[:asked] for value in values]
            query = f"""
                WITH hit(name, tier) AS ({hits})
                SELECT r.iri, r.label, r.language, r.type, MAX(h.tier * 10 - n.field) AS score, n.text
                FROM hit h JOIN name n ON n.id = h.name JOIN resource r ON r.id = n.resource {sql}
                GROUP BY r.id ORDER BY score DESC, length(r.label), r.sort_key, r.iri LIMIT ?"""
            with self._lock:
                rows = self._db.execute(query, (*parameters, *filters, limit)).fetchall()
            if len(rows) >= limit:
                break
        with self._lock:
            return [
                Hit(iri, label, language, kind, self._label(kind), score, name)
                for iri, label, language, kind, score, name in rows
            ]

    def facets(self, text: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
        """How many resources match `text` by class and by country: (IRI, label, count), most first."""
        hits, parameters = _hits(fold(text))
        if hits is None:
            return [], []
        found = (
            f"WITH hit(name, tier) AS ({hits}), "
            "found AS (SELECT DISTINCT n.resource AS id FROM hit h JOIN name n ON n.id = h.name) "
            "SELECT r.{column}, COUNT(*) FROM found JOIN resource r ON r.id = found.id "
            "WHERE r.{column} IS NOT NULL GROUP BY r.{column}"
        )
        with self._lock:
            by_type, by_country = (
                [(iri, self._label(iri) or iri, count) for iri, count in self._db.execute(sql, parameters)]
                for sql in (found.replace("{column}", "type"), found.replace("{column}", "country"))
            )
        return sorted(by_type, key=_most_first), sorted(by_country, key=_most_first)

    def instances(self, class_iri: str, offset: int = 0, limit: int = 100) -> tuple[list[Listed], int]:
        """One page of the members of a class (its subclasses' too), sorted by label, and how many there are."""
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM member WHERE class = ?", (class_iri,)).fetchone()[0]
            rows = self._db.execute(
                """SELECT r.iri, r.label, r.type FROM member m JOIN resource r ON r.id = m.resource
                   WHERE m.class = ? ORDER BY m.sort_key, r.iri LIMIT ? OFFSET ?""",
                (class_iri, limit, offset),
            ).fetchall()
            return [Listed(iri, label, kind, self._label(kind)) for iri, label, kind in rows], int(total)

    def label(self, iri: str) -> str | None:
        """The label a resource is shown by, if the index holds it."""
        with self._lock:
            return self._label(iri)

    def _label(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        row = self._db.execute("SELECT label FROM resource WHERE iri = ?", (iri,)).fetchone()
        return str(row[0]) if row else None

    def _fill(self, entries: Iterable[Entry]) -> list[tuple[int, str]]:
        """Add the entries' rows after the rows there are; the names added, (id, folded), for the text tables."""
        resources: list[tuple[int, str, str, str, str, str | None, str | None]] = []
        members: list[tuple[str, int, str]] = []
        names: list[tuple[int, str, str, int]] = []
        first_resource, first_name = (
            int(self._db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
            for table in ("resource", "name")
        )
        for number, entry in enumerate(entries, start=first_resource):
            label, language = _display_label(entry)
            key = fold(label)
            resources.append((number, entry.iri, label, language, key, _display_type(entry.types), entry.country))
            members.extend((class_iri, number, key) for class_iri in entry.classes)
            names.extend((number, text, fold(text), field) for text, field, _ in entry.names)
        numbered = list(enumerate(names, start=first_name))
        pairs = [(gram, row) for row, (_, _, folded, _) in numbered for gram in _east_asian_pairs(folded)]
        self._db.executemany("INSERT INTO resource VALUES (?, ?, ?, ?, ?, ?, ?)", resources)
        self._db.executemany("INSERT INTO member VALUES (?, ?, ?)", members)
        self._db.executemany(
            "INSERT INTO name (id, resource, text, folded, field) VALUES (?, ?, ?, ?, ?)",
            [(row, *name) for row, name in numbered],
        )
        self._db.executemany("INSERT INTO pair VALUES (?, ?)", pairs)
        return [(row, folded) for row, (_, _, folded, _) in numbered]


def _tiers(folded: str) -> list[tuple[str, tuple[str, ...]]]:
    """The SQL naming the names that match in each way, with its tier, and its parameters, best first; none for
    a text with nothing to find. A part of one character is not looked for inside names, and a part of two only
    in names written in East Asian scripts (the pair table), where two characters make a word."""
    if not folded:
        return []
    tiers: list[tuple[str, tuple[str, ...]]] = [
        ("SELECT id, 4 FROM name WHERE folded = ?", (folded,)),
        ("SELECT id, 3 FROM name WHERE folded > ? AND folded < ?", (folded, folded + _TOP)),
    ]
    phrase = '"' + folded.replace('"', '""') + '"'
    if any(character.isalnum() for character in folded):
        tiers.append(("SELECT rowid, 2 FROM word WHERE word MATCH ?", (phrase + "*",)))
    if len(folded) >= 3:
        tiers.append(("SELECT rowid, 1 FROM gram WHERE gram MATCH ?", (phrase,)))
    elif len(folded) == 2:
        tiers.append(("SELECT name, 1 FROM pair WHERE gram = ?", (folded,)))
    return tiers


def _hits(folded: str) -> tuple[str | None, tuple[str, ...]]:
    """Every way a name matches, in one SQL union, and its parameters."""
    tiers = _tiers(folded)
    if not tiers:
        return None, ()
    return " UNION ALL ".join(part for part, _ in tiers), tuple(value for _, values in tiers for value in values)


def _east_asian_pairs(folded: str) -> set[str]:
    """The two-character parts of a name with East Asian characters (none for other names)."""
    if not any(character >= _EAST_ASIAN for character in folded):
        return set()
    return {folded[at : at + 2] for at in range(len(folded) - 1)}


def _most_first(row: tuple[str, str, int]) -> tuple[int, str]:
    return -row[2], row[1]


def _filtered(class_iri: str | None, country: str | None) -> tuple[str, tuple[str, ...]]:
    """The join and condition that keep hits of a class and a country."""
    sql, parameters = "", tuple[str, ...]()
    if class_iri:
        sql += " JOIN member m ON m.resource = r.id AND m.class = ?"
        parameters += (class_iri,)
    if country:
        sql += " WHERE r.country = ?"
        parameters += (country,)
    return sql, parameters


def _display_label(entry: Entry) -> tuple[str, str]:
    """The label a resource is shown by, and its language: its first name in the preferred language, else any
    name, else its IRI's words."""
    names = sorted(entry.labels) or sorted((text, language) for text, field, language in entry.names if field == 0)
    for language in _LANGUAGE_ORDER:
        found = [text for text, lang in names if lang == language]
        if found:
            return found[0], language
    return names[0] if names else (words_of(entry.iri), "")


def _display_type(types: tuple[str, ...]) -> str | None:
    """The class a resource is shown as: one of biokg's own first."""
    own = sorted(iri for iri in types if iri.startswith(str(BKG._NS)))
    return next(iter(own or sorted(types)), None)


def _entries(store: Store, iris: Sequence[str] | None = None) -> Iterator[Entry]:
    """Every resource of the store with a type or an indexed name (of `iris` only, if given), with its classes
    and its country."""
    given = " ".join(f"<{iri}>" for iri in iris or ())
    only = f"VALUES ?s {{ {given} }}" if iris is not None else ""
    names: dict[str, list[tuple[str, int, str]]] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    fields = " ".join(f"<{iri}>" for iri in FIELDS)
    # Of given resources, each one's statements filtered: with both VALUES, the engine scanned every name first.
    pattern = (
        f"{only} ?s ?p ?o FILTER(?p IN ({fields.replace(' ', ', ')}))"
        if only
        else f"VALUES ?p {{ {fields} }} ?s ?p ?o"
    )
    named = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} FILTER(isIRI(?s) && isLITERAL(?o)) }}"
    for subject, predicate, value in _rows(store, named):
        language = value.language if isinstance(value, ox.Literal) else None
        names.setdefault(subject.value, []).append((value.value, FIELDS[predicate.value], language or ""))
        if predicate.value == _RDFS + "label":
            labels.setdefault(subject.value, []).append((value.value, language or ""))
    types: dict[str, set[str]] = {}
    typed = f"SELECT DISTINCT ?s ?t WHERE {{ {only} ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }}"
    for subject, kind in _rows(store, typed):
        types.setdefault(subject.value, set()).add(kind.value)
    parents = _pairs(store, f"<{_RDFS}subClassOf>")
    within = f"<{_SCHEMA}containedInPlace>"
    if iris is None:
        inside = _pairs(store, within)
    else:  # only the places above these resources and their locations
        values = f"VALUES ?r {{ {given} }}"
        above = f"{{ {values} ?r <{_SCHEMA}location>/{within}* ?inner }} UNION {{ {values} ?r {within}* ?inner }}"
        inside = _pairs(store, within, f"{{ SELECT DISTINCT (?inner AS ?s) WHERE {{ {above} }} }}")
    located = _pairs(store, f"<{_SCHEMA}location>", only)
    countries = {
        row[0].value for row in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{BKG.Country}> FILTER(isIRI(?s)) }}")
    }
    for iri in sorted(names.keys() | types.keys()):
        asserted = tuple(sorted(types.get(iri, ())))
        yield Entry(
            iri,
            tuple(sorted(names.get(iri, ()))),
            asserted,
            tuple(sorted(_closure(asserted, parents))),
            _country(iri, located, inside, countries),
            tuple(sorted(labels.get(iri, ()))),
        )


def _rows(store: Store, query: str) -> Iterator[tuple[ox.NamedNode | ox.Literal, ...]]:
    for row in select(store, query).rows:
        yield tuple(term for term in row if isinstance(term, ox.NamedNode | ox.Literal))


def _pairs(store: Store, predicate: str, only: str = "") -> dict[str, set[str]]:
    """Subject to objects of one predicate, between IRIs (of the subjects `only` binds, if given)."""
    pairs: dict[str, set[str]] = {}
    query = f"SELECT DISTINCT ?s ?o WHERE {{ {only} ?s {predicate} ?o FILTER(isIRI(?o)) }}"
    for subject, value in _rows(store, query):
        pairs.setdefault(subject.value, set()).add(value.value)
    return pairs


def _closure(start: Iterable[str], up: dict[str, set[str]]) -> set[str]:
    """The IRIs reached from `start` by following `up` any number of times, `start` included."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        iri = todo.pop()
        if iri not in seen:
            seen.add(iri)
            todo.extend(up.get(iri, ()))
    return seen


def _country(iri: str, located: dict[str, set[str]], inside: dict[str, set[str]], countries: set[str]) -> str | None:
    """The country a resource is in, or is: through its location and the places that contain it."""
    found = sorted(_closure({iri, *located.get(iri, ())}, inside) & countries)
    return found[0] if found else None
