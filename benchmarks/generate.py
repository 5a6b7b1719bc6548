"""Generate a synthetic biotech graph that passes biokg's shapes, at a chosen size, as TriG.

Organisations in cities, people holding posts in them, partnership agreements with a first signing and renewals
signed by post holders, partnering conferences, and statistics, all derived from one synthetic source. Used by the
benchmarks; deterministic for a given size.

    python benchmarks/generate.py --triples 1000000 --output /tmp/synthetic.trig
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

ID = "https://w3id.org/biokg/id/"
GRAPH = "https://w3id.org/biokg/graph/synthetic"
SOURCE = f"<{ID}source/synthetic>"
PREFIXES = """@prefix bkg: <https://w3id.org/biokg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
WORDS = ["Bio", "Gen", "Thera", "Cell", "Pharma", "Immuno", "Neuro", "Onco", "Vax", "Lumen", "Helix", "Nova"]
KINDS = ["bkg:Company", "bkg:ClusterManagementOrganization", "bkg:ResearchInstitute", "bkg:University"]
SECTORS = ["bkg:Biotechnology", "bkg:Pharmaceuticals", "bkg:Biomedicine"]
TRIPLES_PER_UNIT = 132  # what one organisation with its people, agreements and events adds, measured


def unit(index: int, organisations: int, rng: random.Random) -> Iterator[str]:
    """One organisation with its city, two people in posts held since 1990, an agreement, its signings and an event."""
    org = f"<{ID}organization/org-{index}>"
    name = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {index}"
    city_number = index % 997
    region = f"<{ID}place/region/xx-r{city_number % 97}>"
    city = f"<{ID}place/city/{1_000_000 + city_number}>"
    yield f'{city} a bkg:City ; rdfs:label "City {city_number}"@en ; bkg:geonamesId "{1_000_000 + city_number}" ;'
    yield f"    schema:containedInPlace {region} ."
    yield f'{region} a bkg:Region ; rdfs:label "Region {city_number % 97}"@en ; schema:containedInPlace <{ID}place/country/xx> .'
    yield f'{org} a {rng.choice(KINDS)} ; rdfs:label "{name}"@en ; skos:altLabel "O{index}"@en ;'
    yield f'    schema:location {city} ; bkg:sector {rng.choice(SECTORS)} ; bkg:foundingYear "{1950 + index % 70}"^^xsd:gYear .'
    people = []
    for role in ("CEO", "President"):
        person = f"<{ID}person/p-{index}-{role.lower()}>"
        post = f"<{ID}post/org-{index}-{role.lower()}>"
        people.append((person, post))
        yield f'{person} a bkg:Person ; rdfs:label "Person {index} {role}"@en ; schema:givenName "Given{index}" ;'
        yield f'    schema:familyName "Family{index}" ; schema:honorificPrefix "Dr." .'
        yield f'{post} a org:Post ; rdfs:label "{role} of {name}"@en ; org:postIn {org} ; org:role bkg:{role} ;'
        yield f"    org:heldBy {person} ; prov:wasDerivedFrom {SOURCE} ."
        yield f'<{ID}holding/org-{index}-{role.lower()}> a bkg:PostHolding ; rdfs:label "{role} of {name} since 1990"@en ;'
        yield f'    bkg:ofPost {post} ; org:member {person} ; bkg:startDate "1990"^^xsd:gYear ; prov:wasDerivedFrom {SOURCE} .'
    partner_index = (index * 7919 + 1) % organisations
    if partner_index == index:
        partner_index = (index + 1) % organisations
    partner = f"<{ID}organization/org-{partner_index}>"
    partner_post = f"<{ID}post/org-{partner_index}-ceo>"
    partner_person = f"<{ID}person/p-{partner_index}-ceo>"
    agreement = f"<{ID}agreement/a-{index}>"
    yield f'{agreement} a bkg:PartnershipAgreement ; rdfs:label "Partnership {index}"@en ; bkg:party {org}, {partner} ;'
    yield '    bkg:purpose "to accelerate business in both regions"@en .'
    first_year = 2000 + index % 20
    for number in range(3):
        signing = f"<{ID}signing/a-{index}-{number}>"
        kind = "bkg:FirstSigning" if number == 0 else "bkg:AgreementRenewal"
        renewal = f' bkg:renewalNumber "{number}"^^xsd:nonNegativeInteger ;' if number else ""
        yield f'{signing} a {kind} ; rdfs:label "Signing {number} of partnership {index}"@en ;{renewal}'
        yield f'    bkg:signingOf {agreement} ; bkg:date "{first_year + 2 * number}"^^xsd:gYear ; schema:location {city} ;'
        yield f"    prov:wasDerivedFrom {SOURCE} ; prov:qualifiedAssociation <{ID}association/a-{index}-{number}-1>,"
        yield f"    <{ID}association/a-{index}-{number}-2> ."
        for side, (agent, post, party) in enumerate(
            [(people[0][0], people[0][1], org), (partner_person, partner_post, partner)], start=1
        ):
            yield f'<{ID}association/a-{index}-{number}-{side}> a prov:Association ; rdfs:label "Signature"@en ;'
            yield f"    prov:agent {agent} ; prov:hadRole bkg:Signatory ; bkg:onBehalfOf {party} ;"
            yield f"    bkg:inCapacityOf {post} ; prov:wasDerivedFrom {SOURCE} ."
    event = f"<{ID}event/conference-{index}>"
    yield f'{event} a bkg:PartneringConference ; rdfs:label "Partnering Conference {index}"@en ;'
    yield f'    bkg:date "{2010 + index % 15}"^^xsd:gYear ; schema:location {city} ; schema:organizer {org}, {partner} .'
    statistic = f"<{ID}statistic/org-{index}-formations>"
    yield f'{statistic} a bkg:Statistic ; rdfs:label "Company formations supported by {name}"@en ;'
    yield f"    schema:observationAbout {org} ; schema:measuredProperty bkg:numberOfSupportedCompanyFormations ;"
    yield f'    schema:minValue "{index % 300}"^^xsd:nonNegativeInteger ; bkg:qualifier bkg:MoreThan ;'
    yield f'    bkg:statedAs "over {index % 300}"@en ; bkg:date "2022"^^xsd:gYear ; prov:wasDerivedFrom {SOURCE} .'


def generate(triples: int, output: Path) -> int:
    """Write about `triples` triples to `output`; gives the number of organisations."""
    organisations = max(2, triples // TRIPLES_PER_UNIT)
    rng = random.Random(42)
    with output.open("w") as out:
        out.write(PREFIXES + f"\n<{GRAPH}> {{\n")
        out.write(f'<{ID}place/country/xx> a bkg:Country ; rdfs:label "Synthetica"@en ; skos:notation "XX" .\n')
        for index in range(organisations):
            out.write("\n".join(unit(index, organisations, rng)) + "\n")
        out.write("}\n\n<https://w3id.org/biokg/graph/metadata> {\n")
        out.write(
            f'{SOURCE} a bkg:SourceDocument ; rdfs:label "Synthetic data"@en ; dcterms:title "Synthetic data"@en ;\n'
            f'    dcterms:publisher <{ID}organization/org-0> ; dcterms:issued "2026"^^xsd:gYear ;\n'
            '    schema:url "https://example.org/synthetic"^^xsd:anyURI .\n'
        )
        out.write(
            f'<{GRAPH}> a bkg:SourceGraph ; rdfs:label "Synthetic graph"@en ; prov:wasDerivedFrom {SOURCE} .\n}}\n'
        )
    return organisations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, required=True)
    arguments = parser.parse_args()
    organisations = generate(arguments.triples, arguments.output)
    print(f"wrote {organisations} organisations to {arguments.output}")


if __name__ == "__main__":
    main()
