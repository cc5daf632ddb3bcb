"""The words UK public-sector buyers type, and what they mean in this directory: reference data.

Each synonym is a term (an abbreviation, a short form, another spelling) and one expansion; a
search for either also searches for the other (members.search.text.expand_synonyms). Every
expansion uses the words of the reference taxonomy (clusters.reference_data: capability,
certification, framework, sector and region names, which search documents contain) so that it
finds the companies that hold them.

``load_synonyms`` creates the ones that are missing, matched by term, and leaves every existing
one as staff keep it in the admin (*Search synonyms*). As with the taxonomy, a shipped synonym
that staff delete comes back on the next load; to change what one means, edit its expansion.
"""

from __future__ import annotations

from dataclasses import dataclass

from members.models import SearchSynonym


@dataclass(frozen=True)
class SynonymData:
    term: str
    expansion: str
    note: str = ""


def _group(note: str, *pairs: tuple[str, str]) -> tuple[SynonymData, ...]:
    return tuple(SynonymData(term, expansion, note) for term, expansion in pairs)


SYNONYMS: tuple[SynonymData, ...] = (
    *_group(
        "Cyber security",
        ("pentest", "penetration testing"),
        ("pentesting", "penetration testing"),
        ("pen test", "penetration testing"),
        ("pen testing", "penetration testing"),
        ("ethical hacking", "penetration testing"),
        ("vapt", "penetration testing"),
        ("ithc", "penetration testing"),
        ("soc", "managed detection and response"),
        ("security operations center", "managed detection and response"),
        ("mdr", "managed detection and response"),
        ("siem", "managed detection and response"),
        ("edr", "detection and response"),
        ("xdr", "detection and response"),
        ("dfir", "digital forensics"),
        ("ir", "incident response"),
        ("cyber incident", "incident response"),
        ("vulnerability scanning", "vulnerability management"),
        ("iam", "identity and access management"),
        ("mfa", "identity and access management"),
        ("2fa", "identity and access management"),
        ("sso", "identity and access management"),
        ("single sign-on", "identity and access management"),
        ("grc", "governance, risk and compliance"),
        ("phishing", "security awareness training"),
        ("ot security", "industrial control system security"),
        ("ics", "industrial control system"),
        ("scada", "industrial control system"),
        ("cti", "threat intelligence"),
        ("threat intel", "threat intelligence"),
        ("devsecops", "secure software development"),
        ("secure coding", "secure software development"),
        ("cspm", "cloud security"),
    ),
    *_group(
        "Certifications",
        ("ce", "cyber essentials"),
        ("ce+", "cyber essentials plus"),
        ("ce plus", "cyber essentials plus"),
        ("cyber essentials+", "cyber essentials plus"),
        ("27001", "ISO/IEC 27001"),
        ("iso 27001", "ISO/IEC 27001"),
        ("iso27001", "ISO/IEC 27001"),
        ("isms", "ISO/IEC 27001"),
        ("27701", "ISO/IEC 27701"),
        ("iso 27701", "ISO/IEC 27701"),
        ("9001", "ISO 9001"),
        ("iso9001", "ISO 9001"),
        ("14001", "ISO 14001"),
        ("22301", "ISO 22301"),
        ("business continuity", "ISO 22301"),
        ("soc 2", "SOC 2 Type II"),
        ("soc2", "SOC 2 Type II"),
        ("pci", "PCI DSS"),
        ("pci-dss", "PCI DSS"),
        ("ncsc check", "CHECK (NCSC)"),
        ("cir", "NCSC Cyber Incident Response"),
    ),
    *_group(
        "Data",
        ("gdpr", "data protection"),
        ("uk gdpr", "data protection"),
        ("dpia", "data protection"),
        ("dpo", "data protection"),
        ("privacy", "data protection"),
        ("bi", "business intelligence"),
        ("dashboards", "analytics and business intelligence"),
        ("ai", "machine learning and AI"),
        ("artificial intelligence", "machine learning and AI"),
        ("ml", "machine learning"),
        ("generative ai", "machine learning and AI"),
        ("llm", "machine learning and AI"),
        ("etl", "data engineering"),
        ("data pipelines", "data engineering"),
        ("data warehouse", "data engineering"),
        ("data visualization", "data visualisation"),
        ("dataviz", "data visualisation"),
        ("tre", "trusted research environments"),
        ("safe haven", "trusted research environments"),
        ("internet of things", "IoT"),
        ("mdm", "data governance"),
        ("legacy systems", "legacy modernisation"),
    ),
    *_group(
        "FinTech",
        ("aml", "anti-money laundering"),
        ("anti money laundering", "anti-money laundering"),
        ("kyc", "KYC and anti-money laundering"),
        ("know your customer", "KYC"),
        ("cdd", "KYC"),
        ("sanctions screening", "anti-money laundering"),
        ("open finance", "open banking"),
        ("psd2", "open banking"),
        ("idv", "digital identity verification"),
        ("id verification", "identity verification"),
        ("counter fraud", "fraud detection and prevention"),
        ("anti-fraud", "fraud detection and prevention"),
        ("card payments", "payment processing"),
        ("direct debit", "income collection"),
        ("debt collection", "debt recovery"),
        ("arrears", "debt recovery"),
        ("grants", "grant and loan management"),
        ("erp", "financial management software"),
        ("purchase to pay", "financial management software"),
    ),
    *_group(
        "Transport",
        ("maas", "mobility as a service"),
        ("itso", "smartcard"),
        ("abt", "account-based ticketing"),
        ("payg", "account-based ticketing"),
        ("fare capping", "account-based ticketing"),
        ("emv", "contactless"),
        ("tap on tap off", "contactless"),
        ("rtpi", "real-time passenger information"),
        ("real time information", "real-time passenger information"),
        ("drt", "demand-responsive transport"),
        ("dial a ride", "demand-responsive transport"),
        ("bus pass", "concessionary travel"),
        ("national entitlement card", "concessionary travel"),
        ("tvm", "ticket machines"),
        ("ticket vending machines", "ticket machines"),
    ),
    *_group(
        "Travel and tourism",
        ("dmo", "destination marketing platforms"),
        ("tourism tax", "visitor levy"),
        ("tourist tax", "visitor levy"),
        ("transient visitor levy", "visitor levy"),
        ("pms", "accommodation management systems"),
        ("booking engine", "booking and reservation systems"),
        ("tmc", "business travel management"),
        ("corporate travel", "business travel management"),
        ("timed entry", "attraction and event ticketing"),
        ("accessibility", "accessible travel information"),
        ("net zero", "carbon tools"),
    ),
    *_group(
        "Buyers and frameworks",
        ("nhs", "health"),
        ("health board", "health and social care"),
        ("hscp", "health and social care"),
        ("council", "local government"),
        ("local authority", "local government"),
        ("police", "justice and policing"),
        ("fire and rescue", "emergency services"),
        ("blue light", "emergency services"),
        ("higher education", "universities"),
        ("further education", "colleges"),
        ("schools", "education"),
        ("rsl", "housing"),
        ("scottish government", "central government"),
        ("ccs", "Crown Commercial Service"),
        ("gcloud", "G-Cloud"),
        ("g cloud", "G-Cloud"),
        ("dos6", "Digital Outcomes 6"),
        ("digital outcomes and specialists", "Digital Outcomes"),
        ("dynamic purchasing system", "DPS"),
        ("nss", "NHS National Services Scotland"),
        ("living wage", "Real Living Wage"),
        ("fwf", "Fair Work First"),
    ),
    *_group(
        "Places",
        ("north lanarkshire", "Lanarkshire"),
        ("south lanarkshire", "Lanarkshire"),
        ("east lothian", "Lothians"),
        ("west lothian", "Lothians"),
        ("midlothian", "Lothians"),
        ("north ayrshire", "Ayrshire"),
        ("south ayrshire", "Ayrshire"),
        ("east ayrshire", "Ayrshire"),
        ("tayside", "Dundee and Angus"),
        ("grampian", "Aberdeen"),
        ("hebrides", "Western Isles"),
        ("na h-eileanan siar", "Western Isles"),
    ),
)


def term_key(term: str) -> str:
    """A term as SearchSynonym stores it (lower case, single spaces), to match by."""
    return " ".join(term.lower().split())


def load_synonyms() -> int:
    """Create the shipped synonyms that are missing; return how many were created.

    A synonym whose term already exists is left alone, whatever staff changed in it. Callers
    keep search current (members.services.taxonomy_load sets ``batch.synonyms``).
    """
    existing = set(SearchSynonym.objects.values_list("term", flat=True))
    missing: dict[str, SynonymData] = {}
    for synonym in SYNONYMS:
        key = term_key(synonym.term)
        if key not in existing:
            missing.setdefault(key, synonym)
    SearchSynonym.objects.bulk_create(
        [SearchSynonym(term=key, expansion=s.expansion, note=s.note) for key, s in missing.items()]
    )
    return len(missing)
