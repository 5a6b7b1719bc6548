"""biokg's namespaces and the prefixes it writes, declared once."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/biokg/"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
ONTOLOGY_IRI = BASE + "ontology"
SHAPES_IRI = BASE + "shapes"
METADATA_GRAPH = GRAPH["metadata"]
SEARCH_SERVICE = BASE + "search"
"""The text index as a SPARQL service: `SERVICE <https://w3id.org/biokg/search> { ... }` (biokg.search.service)."""
SEARCH = SEARCH_SERVICE + "#"
"""The terms of a search pattern (search:query, search:label ...)."""

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")


class BKG(DefinedNamespace):
    """The terms of ontology/biokg.ttl; a misspelt term fails at import instead of matching nothing."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # classes
    Organization: URIRef
    FormalOrganization: URIRef
    Company: URIRef
    ClusterManagementOrganization: URIRef
    GovernmentBody: URIRef
    University: URIRef
    ResearchInstitute: URIRef
    Network: URIRef
    Incubator: URIRef
    EducationalOrganization: URIRef
    NonprofitOrganization: URIRef
    HealthcareOrganization: URIRef
    Funder: URIRef
    ResearchFacility: URIRef
    Archive: URIRef
    Person: URIRef
    Role: URIRef
    Agreement: URIRef
    PartnershipAgreement: URIRef
    AgreementSigning: URIRef
    FirstSigning: URIRef
    AgreementRenewal: URIRef
    PartneringConference: URIRef
    PartneringConferenceSeries: URIRef
    TradeMission: URIRef
    TradeMissionSeries: URIRef
    AwardCompetition: URIRef
    Coordination: URIRef
    Place: URIRef
    City: URIRef
    Region: URIRef
    Country: URIRef
    Statistic: URIRef
    SourceDocument: URIRef
    PressRelease: URIRef
    SourceGraph: URIRef
    Quotation: URIRef
    PostHolding: URIRef
    StatisticalVariable: URIRef
    Claim: URIRef
    # properties
    sector: URIRef
    servesRegion: URIRef
    offersService: URIRef
    foundingYear: URIRef
    predecessor: URIRef
    successor: URIRef
    rorId: URIRef
    gridId: URIRef
    isni: URIRef
    fundrefId: URIRef
    registryStatus: URIRef
    preferredGridId: URIRef
    preferredIsni: URIRef
    preferredFundrefId: URIRef
    preferredWikidataEntity: URIRef
    acronym: URIRef
    internetDomain: URIRef
    registeredOn: URIRef
    recordModifiedOn: URIRef
    party: URIRef
    purpose: URIRef
    signingOf: URIRef
    renewalNumber: URIRef
    occasion: URIRef
    onBehalfOf: URIRef
    inCapacityOf: URIRef
    coordinator: URIRef
    coordinates: URIRef
    destination: URIRef
    conceptDevelopedBy: URIRef
    outcomeOf: URIRef
    field: URIRef
    date: URIRef
    startDate: URIRef
    endDate: URIRef
    ofPost: URIRef
    heldOn: URIRef
    combines: URIRef
    shippedFile: URIRef
    retrievedOn: URIRef
    private: URIRef
    comparedWith: URIRef
    geonamesId: URIRef
    qualifier: URIRef
    statedAs: URIRef
    numberOfTradeMissions: URIRef
    numberOfSmeParticipations: URIRef
    numberOfSupportedCompanyFormations: URIRef
    yearsAsNetworkOrganisation: URIRef
    # concept schemes and concepts
    RoleScheme: URIRef
    CEO: URIRef
    President: URIRef
    Signatory: URIRef
    QualifierScheme: URIRef
    Exactly: URIRef
    MoreThan: URIRef
    AtLeast: URIRef
    LessThan: URIRef
    AtMost: URIRef
    Approximately: URIRef
    SectorScheme: URIRef
    Biotechnology: URIRef
    Pharmaceuticals: URIRef
    Biomedicine: URIRef
    ServiceScheme: URIRef
    Consulting: URIRef
    Coaching: URIRef
    Training: URIRef
    Mentoring: URIRef
    Networking: URIRef
    EventOrganisation: URIRef
    PointOfAccess: URIRef
    VariableScheme: URIRef
    AwardRound: URIRef
    Chair: URIRef
    DirectorGeneral: URIRef
    Governor: URIRef
    ManagingDirector: URIRef
    Mayor: URIRef
    MemorandumOfUnderstanding: URIRef
    Minister: URIRef
    Preference: URIRef
    Prize: URIRef
    ResearchProject: URIRef
    StateSecretary: URIRef
    aboutProperty: URIRef
    aboutResource: URIRef
    carriedOutAt: URIRef
    numberOfApplications: URIRef
    numberOfCompanies: URIRef
    numberOfEmployees: URIRef
    numberOfParticipants: URIRef
    oneValuePerSource: URIRef
    preferredValue: URIRef
    presentedBy: URIRef
    prizeIn: URIRef
    prizeMoneyInEuros: URIRef
    roundOf: URIRef
    winner: URIRef
    derivation: URIRef

    # clinical studies (biokg.clinicaltrials)
    ClinicalStudy: URIRef
    ClinicalTrial: URIRef
    StudyAssociation: URIRef
    nctId: URIRef
    otherStudyId: URIRef
    studyStatus: URIRef
    studyType: URIRef
    phase: URIRef
    intervention: URIRef
    enrollment: URIRef
    primaryCompletionDate: URIRef
    firstPosted: URIRef
    lastUpdatePosted: URIRef
    collaborator: URIRef
    LeadSponsor: URIRef
    Collaborator: URIRef
    StudyStatusScheme: URIRef
    StudyNotYetRecruiting: URIRef
    StudyRecruiting: URIRef
    StudyEnrollingByInvitation: URIRef
    StudyActiveNotRecruiting: URIRef
    StudyCompleted: URIRef
    StudyTerminated: URIRef
    StudyWithdrawn: URIRef
    StudyWithheld: URIRef
    ExpandedAccessAvailable: URIRef
    StudyPhaseScheme: URIRef
    EarlyPhase1: URIRef
    Phase1: URIRef
    Phase2: URIRef
    Phase3: URIRef
    Phase4: URIRef
    PhaseNotApplicable: URIRef
    StudyTypeScheme: URIRef
    InterventionalStudy: URIRef
    ObservationalStudy: URIRef
    ExpandedAccess: URIRef
    # medicines (biokg.ema)
    Medicine: URIRef
    MarketingAuthorisation: URIRef
    AuthorisationRefusal: URIRef
    emaProductNumber: URIRef
    medicineCategory: URIRef
    authorisationStatus: URIRef
    atcCode: URIRef
    atcVetCode: URIRef
    therapeuticArea: URIRef
    pharmacotherapeuticGroup: URIRef
    targetSpecies: URIRef
    orphanMedicine: URIRef
    biosimilar: URIRef
    generic: URIRef
    conditionalApproval: URIRef
    exceptionalCircumstances: URIRef
    acceleratedAssessment: URIRef
    additionalMonitoring: URIRef
    opinionDate: URIRef
    latestDecisionDate: URIRef
    eparRevisionNumber: URIRef
    eparRevisionDate: URIRef
    authorises: URIRef
    refusalOf: URIRef
    holder: URIRef
    applicant: URIRef
    MedicineCategoryScheme: URIRef
    HumanUse: URIRef
    VeterinaryUse: URIRef
    AuthorisationStatusScheme: URIRef
    Authorised: URIRef
    Withdrawn: URIRef
    Refused: URIRef


# One prefix per kind of entity, so that `organization:biom` reads well and works in every SPARQL engine
# (escaped slashes in local names, `id:organization\/biom`, do not).
ENTITY_KINDS: dict[str, str] = {
    "organization": "organization/",
    "person": "person/",
    "post": "post/",
    "agreement": "agreement/",
    "signing": "signing/",
    "association": "association/",
    "event": "event/",
    "coordination": "coordination/",
    "statistic": "statistic/",
    "quotation": "quotation/",
    "holding": "holding/",
    "claim": "claim/",
    "project": "project/",
    "prize": "prize/",
    "preference": "preference/",
    "study": "study/",
    "medicine": "medicine/",
    "authorisation": "authorisation/",
    "refusal": "refusal/",
    "source": "source/",
    "city": "place/city/",
    "region": "place/region/",
    "country": "place/country/",
}

PREFIXES: dict[str, str] = {
    "bkg": str(BKG._NS),
    **{prefix: str(ID) + path for prefix, path in ENTITY_KINDS.items()},
    "id": str(ID),
    "graph": str(GRAPH),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "bkgsh": SHAPES_IRI + "#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def sparql_prologue() -> str:
    """The PREFIX lines for every prefix above, to put before a query."""
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


def expand(name: str) -> str:
    """The IRI a prefixed name (bkg:Company) names with biokg's prefixes; any other text is taken as an IRI."""
    prefix, colon, local = name.partition(":")
    return PREFIXES[prefix] + local if colon and prefix in PREFIXES else name.strip("<>")


def prefixes_used(iris: Iterable[str]) -> dict[str, str]:
    """The prefixes whose namespace holds one of the IRIs, so that a document declares only what it uses."""
    longest_first = sorted(set(PREFIXES.values()), key=len, reverse=True)
    found = {next((n for n in longest_first if iri.startswith(n)), None) for iri in iris}  # the one compact() uses
    return {prefix: namespace for prefix, namespace in PREFIXES.items() if namespace in found}


def compact(iri: str) -> str:
    """Write an IRI as prefix:local when a known namespace covers it, else as <iri>."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and all(character.isalnum() or character in "-_./" for character in local):
                return f"{prefix}:{local}"
    return f"<{iri}>"
