"""The reference taxonomy as plain data: clusters and their capabilities, and the short lists.

``manage.py seed_demo`` (and ``seed_demo --taxonomy-only`` in production) loads it, matching rows by
slug, so staff can rely on slugs staying put while names and descriptions are refined here.
Order in each tuple is display order (it becomes ``position``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CapabilityData:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class ClusterData:
    slug: str
    name: str
    summary: str
    description: str
    capabilities: tuple[CapabilityData, ...]


@dataclass(frozen=True)
class RegionData:
    slug: str
    name: str
    is_scottish: bool = True


@dataclass(frozen=True)
class CertificationData:
    slug: str
    name: str
    description: str
    valid_for_months: int | None = None  # certificates of this kind are reissued this often
    satisfies: tuple[str, ...] = ()  # slugs of the certifications that holding this one includes
    register_url: str = ""  # the certifier's public register, where buyers check a certificate


@dataclass(frozen=True)
class FrameworkData:
    slug: str
    name: str
    owner: str


@dataclass(frozen=True)
class SectorData:
    slug: str
    name: str


SMART_TICKETING = ClusterData(
    slug="smart-ticketing-and-transport",
    name="Smart Ticketing and Transport",
    summary=(
        "Companies that let people pay for, plan and make journeys easily, and help operators "
        "and transport authorities run fair, joined-up networks."
    ),
    description=(
        "Members of this cluster build the systems behind a journey: the card, phone or bank "
        "card a passenger taps, the back office that works out the right fare and shares the "
        "revenue between operators, the screens and apps that say when the next bus is due, and "
        "the data that shows planners how people really travel.\n\n"
        "Buyers here are regional transport partnerships, councils, health boards running patient "
        "transport, and operators who need systems that work across modes and boundaries."
    ),
    capabilities=(
        CapabilityData(
            "account-based-ticketing",
            "Account-based ticketing",
            "Fares worked out in a back-office account, so any token the traveller carries can "
            "stand in for a ticket and daily or weekly capping happens automatically.",
        ),
        CapabilityData(
            "smartcard-itso-ticketing",
            "Smartcard and ITSO ticketing",
            "Issuing, loading and reading interoperable transport smartcards, including products "
            "for concessionary and young travellers.",
        ),
        CapabilityData(
            "mobile-ticketing",
            "Mobile ticketing",
            "Apps and wallets that sell and show tickets on a phone, with barcode or NFC "
            "validation on board and at gates.",
        ),
        CapabilityData(
            "contactless-emv-payments",
            "Contactless EMV fare payments",
            "Accepting bank cards and mobile wallets as the ticket itself, with acquiring, "
            "aggregation and best-fare calculation behind the tap.",
        ),
        CapabilityData(
            "fare-collection-back-office",
            "Fare collection back office",
            "Central systems for fares, products, settlement, reconciliation and apportioning "
            "revenue between operators in a shared scheme.",
        ),
        CapabilityData(
            "validators-and-ticket-machines",
            "Validators and ticket machines",
            "On-board validators, driver consoles, gate readers and ticket vending machines, "
            "supplied, installed and maintained.",
        ),
        CapabilityData(
            "real-time-passenger-information",
            "Real-time passenger information",
            "Live departure and disruption information for stops, stations, websites and apps, "
            "fed from vehicle location and timetable data.",
        ),
        CapabilityData(
            "demand-responsive-transport",
            "Demand-responsive transport",
            "Booking, scheduling and dispatch for flexible services that run where and when "
            "passengers ask, common in rural and community transport.",
        ),
        CapabilityData(
            "mobility-as-a-service",
            "Mobility as a Service (MaaS) platforms",
            "One place to plan, book and pay for trips that combine bus, rail, ferry, bike and "
            "car-club journeys.",
        ),
        CapabilityData(
            "transport-data-analytics",
            "Transport data analytics",
            "Turning ticketing, location and count data into evidence on patronage, journey "
            "times and the effect of network changes.",
        ),
        CapabilityData(
            "concessionary-travel-management",
            "Concessionary travel management",
            "Eligibility checks, card issuing and operator reimbursement for free and discounted "
            "travel schemes.",
        ),
    ),
)

CYBER_SECURITY = ClusterData(
    slug="cyber-security",
    name="Cyber Security",
    summary=(
        "Companies that test, monitor and defend systems and data, and help organisations meet "
        "the security standards their regulators and suppliers expect."
    ),
    description=(
        "From assessing a single web application to running a security operations centre around "
        "the clock, members of this cluster help public bodies find weaknesses before attackers "
        "do, notice and contain an intrusion quickly, and recover with evidence intact.\n\n"
        "Many hold the certifications that public contracts ask for, and several work on the "
        "operational technology behind water, energy and transport as well as office IT."
    ),
    capabilities=(
        CapabilityData(
            "penetration-testing",
            "Penetration testing",
            "Authorised attacks on networks, applications and cloud estates to find and rank "
            "weaknesses, including IT health checks for public-sector networks.",
        ),
        CapabilityData(
            "managed-detection-and-response",
            "Managed detection and response (SOC)",
            "A security operations centre that watches logs and endpoints day and night and acts "
            "on threats as they happen.",
        ),
        CapabilityData(
            "incident-response",
            "Incident response",
            "Help on the day of a breach or ransomware attack: containment, investigation, "
            "recovery and reporting, often on a retainer.",
        ),
        CapabilityData(
            "vulnerability-management",
            "Vulnerability management",
            "Continuous scanning, prioritising and tracking of fixes across servers, devices and "
            "software.",
        ),
        CapabilityData(
            "cloud-security",
            "Cloud security",
            "Secure design, configuration review and posture monitoring for public cloud and "
            "software-as-a-service estates.",
        ),
        CapabilityData(
            "identity-and-access-management",
            "Identity and access management",
            "Single sign-on, multi-factor authentication, privileged access and the processes "
            "that give and remove access as people join, move and leave.",
        ),
        CapabilityData(
            "governance-risk-and-compliance",
            "Governance, risk and compliance",
            "Policies, risk registers, audits and readiness for standards such as ISO/IEC 27001 "
            "and Cyber Essentials.",
        ),
        CapabilityData(
            "security-awareness-training",
            "Security awareness training",
            "Training and simulated phishing that help staff recognise and report attacks.",
        ),
        CapabilityData(
            "ot-ics-security",
            "OT and industrial control system security",
            "Protecting the control systems that run utilities, plants and transport signalling.",
        ),
        CapabilityData(
            "digital-forensics",
            "Digital forensics",
            "Recovering and preserving evidence from devices and systems to a standard that "
            "stands up in a disciplinary hearing or in court.",
        ),
        CapabilityData(
            "threat-intelligence",
            "Threat intelligence",
            "Tracking the groups and techniques likely to target an organisation, and turning "
            "that into practical defensive advice.",
        ),
        CapabilityData(
            "secure-software-development",
            "Secure software development",
            "Code review, threat modelling and security testing built into how software is "
            "designed and delivered.",
        ),
    ),
)

DATA = ClusterData(
    slug="data",
    name="Data",
    summary=(
        "Companies that collect, organise, analyse and share data so that public services can "
        "make better decisions and be open about them."
    ),
    description=(
        "This cluster covers the whole life of data: platforms and pipelines that bring it "
        "together, the governance that keeps it lawful and trustworthy, the analysis, models and "
        "maps that turn it into insight, and the publishing that lets citizens use it too.\n\n"
        "Members work with health boards on secure research environments, with councils on "
        "performance reporting and with agencies on forecasting and planning."
    ),
    capabilities=(
        CapabilityData(
            "data-engineering",
            "Data engineering",
            "Pipelines, warehouses and lakehouses that bring data from many systems into one "
            "reliable, well-documented place.",
        ),
        CapabilityData(
            "analytics-and-business-intelligence",
            "Analytics and business intelligence",
            "Dashboards, reports and self-service analysis for managers and analysts.",
        ),
        CapabilityData(
            "machine-learning-and-ai",
            "Machine learning and AI",
            "Predictive models, classification and generative AI, built with attention to "
            "fairness, transparency and ongoing monitoring.",
        ),
        CapabilityData(
            "data-governance-and-quality",
            "Data governance and quality",
            "Ownership, standards, catalogues, lineage and data-quality checks that make data "
            "something people can trust.",
        ),
        CapabilityData(
            "data-protection-and-privacy",
            "Data protection and privacy engineering",
            "Impact assessments, anonymisation, pseudonymisation and privacy-enhancing "
            "technologies for personal data.",
        ),
        CapabilityData(
            "open-data-publishing",
            "Open data publishing",
            "Preparing, describing and publishing datasets and APIs that anyone can reuse.",
        ),
        CapabilityData(
            "data-visualisation",
            "Data visualisation",
            "Charts, interactive graphics and story-led reports that make findings clear to "
            "non-specialists.",
        ),
        CapabilityData(
            "geospatial-and-gis",
            "Geospatial and GIS",
            "Mapping, spatial analysis and location data services, from asset registers to "
            "flood and land-use models.",
        ),
        CapabilityData(
            "health-data-and-trusted-research",
            "Health data and trusted research environments",
            "Secure environments and linkage services where approved researchers can work with "
            "sensitive health and care records.",
        ),
        CapabilityData(
            "iot-and-sensor-data",
            "IoT and sensor data",
            "Connected sensors, networks and platforms that measure buildings, air quality, "
            "footfall and assets.",
        ),
        CapabilityData(
            "data-migration-and-modernisation",
            "Data migration and legacy modernisation",
            "Moving records safely out of ageing systems, with cleansing, mapping and "
            "reconciliation.",
        ),
    ),
)

TRAVELTECH = ClusterData(
    slug="traveltech",
    name="TravelTech",
    summary=(
        "Companies whose software helps visitors discover, book and enjoy places, and helps "
        "destinations and attractions understand and manage tourism."
    ),
    description=(
        "Scotland's visitor economy relies on technology long before anyone arrives: "
        "inspiration and planning, booking and payment, and the information that helps people "
        "travel responsibly once they are here. Members of this cluster build those products.\n\n"
        "Public-sector buyers include destination organisations, councils that run venues and "
        "visitor levies, national parks, museums and galleries, and event organisers."
    ),
    capabilities=(
        CapabilityData(
            "booking-and-reservation-systems",
            "Booking and reservation systems",
            "Online booking, availability and payment for tours, venues, rooms and facilities.",
        ),
        CapabilityData(
            "attraction-and-event-ticketing",
            "Attraction and event ticketing",
            "Timed-entry tickets, memberships, capacity management and entry scanning for "
            "attractions and events.",
        ),
        CapabilityData(
            "destination-marketing-platforms",
            "Destination marketing platforms",
            "Websites, content systems and campaign tools for promoting a place to visitors.",
        ),
        CapabilityData(
            "visitor-analytics",
            "Visitor analytics",
            "Measuring visitor numbers, origin, spend and behaviour from bookings, mobile data "
            "and counters.",
        ),
        CapabilityData(
            "digital-visitor-guides",
            "Digital visitor guides and interpretation",
            "Multilingual apps, audio guides and on-site digital interpretation for heritage "
            "sites and trails.",
        ),
        CapabilityData(
            "accessible-travel-information",
            "Accessible travel information",
            "Detailed access guides and journey information for disabled visitors and people "
            "with additional needs.",
        ),
        CapabilityData(
            "sustainable-tourism-tools",
            "Sustainable tourism and carbon tools",
            "Carbon calculators, green-travel nudges and footprint reporting for trips and "
            "tourism businesses.",
        ),
        CapabilityData(
            "accommodation-management-systems",
            "Accommodation management systems",
            "Property management, channel management and guest communications for hotels, "
            "hostels and self-catering.",
        ),
        CapabilityData(
            "business-travel-management",
            "Business travel management",
            "Booking, policy control, duty-of-care tracking and expenses for staff travel.",
        ),
        CapabilityData(
            "visitor-levy-administration",
            "Visitor levy administration",
            "Systems to register providers, collect returns and report on local visitor levies.",
        ),
    ),
)

FINTECH = ClusterData(
    slug="fintech",
    name="FinTech",
    summary=(
        "Companies that move money, verify identity and handle financial compliance securely, "
        "for banks, public bodies and the people they serve."
    ),
    description=(
        "Members of this cluster process payments, connect to bank data through open banking, "
        "check who people are, spot fraud and automate the reporting that regulators require.\n\n"
        "For public services that means easier ways to collect and pay out money, from council "
        "tax and rent to grants and benefits, and better protection against fraud and error."
    ),
    capabilities=(
        CapabilityData(
            "payment-processing",
            "Payment processing",
            "Online, telephone and in-person card and account-to-account payments, with "
            "reconciliation into finance systems.",
        ),
        CapabilityData(
            "open-banking",
            "Open banking",
            "Consented access to bank account data and payment initiation through regulated APIs.",
        ),
        CapabilityData(
            "kyc-and-aml",
            "KYC and anti-money laundering",
            "Customer due diligence, sanctions and politically exposed person screening, and "
            "transaction monitoring.",
        ),
        CapabilityData(
            "regtech-and-compliance-reporting",
            "RegTech and compliance reporting",
            "Software that tracks regulatory change and automates returns, controls and audit "
            "evidence.",
        ),
        CapabilityData(
            "digital-identity-verification",
            "Digital identity verification",
            "Checking documents, faces and data sources to prove a person is who they claim to "
            "be, online and to recognised standards.",
        ),
        CapabilityData(
            "fraud-detection",
            "Fraud detection and prevention",
            "Rules, models and investigation tools that catch fraudulent applications, claims "
            "and payments.",
        ),
        CapabilityData(
            "grant-and-loan-management",
            "Grant and loan management",
            "Application, assessment, payment and monitoring systems for grants, loans and "
            "other public funding.",
        ),
        CapabilityData(
            "income-collection-and-debt-recovery",
            "Income collection and debt recovery",
            "Billing, direct debit, arrears management and affordable repayment plans for "
            "rents, taxes and charges.",
        ),
        CapabilityData(
            "financial-inclusion-tools",
            "Financial inclusion tools",
            "Benefit calculators, budgeting tools and affordable credit services for people on "
            "low incomes.",
        ),
        CapabilityData(
            "financial-management-software",
            "Financial management software",
            "Accounting, purchase-to-pay, budgeting and forecasting software for organisations.",
        ),
    ),
)

CLUSTERS: tuple[ClusterData, ...] = (SMART_TICKETING, CYBER_SECURITY, DATA, TRAVELTECH, FINTECH)

# Scottish groupings of council areas (every area in exactly one), then the two catch-alls.
REGIONS: tuple[RegionData, ...] = (
    RegionData("glasgow-city", "Glasgow City"),
    RegionData("edinburgh-and-lothians", "Edinburgh and the Lothians"),
    RegionData("aberdeen-and-aberdeenshire", "Aberdeen and Aberdeenshire"),
    RegionData("dundee-and-angus", "Dundee and Angus"),
    RegionData("perth-and-kinross", "Perth and Kinross"),
    RegionData("fife", "Fife"),
    RegionData("forth-valley", "Stirling and Forth Valley"),
    RegionData("highland-and-moray", "Highland and Moray"),
    RegionData("scottish-islands", "Orkney, Shetland and the Western Isles"),
    RegionData("argyll-and-bute", "Argyll and Bute"),
    RegionData("dunbartonshire", "East and West Dunbartonshire"),
    RegionData("renfrewshire-and-inverclyde", "Renfrewshire and Inverclyde"),
    RegionData("lanarkshire", "Lanarkshire"),
    RegionData("ayrshire", "Ayrshire"),
    RegionData("dumfries-and-galloway", "Dumfries and Galloway"),
    RegionData("scottish-borders", "Scottish Borders"),
    RegionData("rest-of-uk", "Rest of UK", is_scottish=False),
    RegionData("outside-uk", "Outside UK", is_scottish=False),
)

# Public registers a buyer can search. Only addresses we are sure of; staff add the others.
IASME_CERTIFICATE_SEARCH = "https://iasme.co.uk/cyber-essentials/ncsc-certificate-search/"
UKAS_CERTCHECK = "https://certcheck.ukas.com/"  # certificates from UKAS-accredited bodies
CREST_MEMBERS = "https://www.crest-approved.org/members/"

CERTIFICATIONS: tuple[CertificationData, ...] = (
    CertificationData(
        "cyber-essentials",
        "Cyber Essentials",
        "Government-backed self-assessment against five basic technical controls.",
        valid_for_months=12,
        register_url=IASME_CERTIFICATE_SEARCH,
    ),
    CertificationData(
        "cyber-essentials-plus",
        "Cyber Essentials Plus",
        "The Cyber Essentials controls, verified by an independent hands-on technical audit.",
        valid_for_months=12,
        satisfies=("cyber-essentials",),
        register_url=IASME_CERTIFICATE_SEARCH,
    ),
    CertificationData(
        "iasme-cyber-assurance",
        "IASME Cyber Assurance",
        "A governance standard for smaller organisations covering risk, policy and continuity.",
    ),
    CertificationData(
        "iso-27001",
        "ISO/IEC 27001",
        "An audited information security management system.",
        register_url=UKAS_CERTCHECK,
    ),
    CertificationData(
        "iso-27701",
        "ISO/IEC 27701",
        "An extension of ISO/IEC 27001 for managing personal information and privacy.",
        register_url=UKAS_CERTCHECK,
    ),
    CertificationData(
        "iso-9001",
        "ISO 9001",
        "An audited quality management system.",
        register_url=UKAS_CERTCHECK,
    ),
    CertificationData(
        "iso-14001",
        "ISO 14001",
        "An audited environmental management system.",
        register_url=UKAS_CERTCHECK,
    ),
    CertificationData(
        "iso-22301",
        "ISO 22301",
        "An audited business continuity management system.",
        register_url=UKAS_CERTCHECK,
    ),
    CertificationData(
        "soc-2-type-ii",
        "SOC 2 Type II",
        "An independent report on how well security and availability controls worked over a "
        "period.",
    ),
    CertificationData(
        "pci-dss",
        "PCI DSS",
        "The card payment industry's security standard for anyone storing, processing or "
        "transmitting card data.",
    ),
    CertificationData(
        "crest",
        "CREST",
        "Membership of the accreditation body for technical security services such as "
        "penetration testing and incident response.",
        register_url=CREST_MEMBERS,
    ),
    CertificationData(
        "ncsc-check",
        "CHECK (NCSC)",
        "NCSC approval to carry out IT health checks on public-sector and critical systems.",
    ),
    CertificationData(
        "ncsc-cyber-incident-response",
        "NCSC Cyber Incident Response",
        "NCSC assurance for companies that help organisations respond to cyber attacks.",
    ),
)

# Fictional catalogue for demonstration: plausible names, not a statement that any real body
# runs a framework by this exact name.
FRAMEWORKS: tuple[FrameworkData, ...] = (
    FrameworkData(
        "sg-digital-technology-services",
        "Digital Technology Services DPS",
        "Scottish Government",
    ),
    FrameworkData(
        "sg-cyber-security-services",
        "Cyber Security Services Framework",
        "Scottish Government",
    ),
    FrameworkData(
        "scotland-excel-digital-services",
        "Digital and ICT Services Framework",
        "Scotland Excel",
    ),
    FrameworkData(
        "nss-digital-health-and-care",
        "Digital Health and Care Solutions Framework",
        "NHS National Services Scotland",
    ),
    FrameworkData(
        "apuc-it-services",
        "IT Services and Consultancy Framework",
        "APUC (universities and colleges)",
    ),
    FrameworkData(
        "transport-smart-ticketing",
        "Smart Ticketing and Payments Framework",
        "Transport Scotland",
    ),
    FrameworkData("ccs-g-cloud-14", "G-Cloud 14", "Crown Commercial Service"),
    FrameworkData("ccs-digital-outcomes-6", "Digital Outcomes 6", "Crown Commercial Service"),
    FrameworkData("ccs-technology-services-4", "Technology Services 4", "Crown Commercial Service"),
)

SECTORS: tuple[SectorData, ...] = (
    SectorData("health-and-social-care", "Health and social care"),
    SectorData("local-government", "Local government"),
    SectorData("central-government", "Central government and agencies"),
    SectorData("transport", "Transport"),
    SectorData("education", "Education, colleges and universities"),
    SectorData("justice-and-policing", "Justice and policing"),
    SectorData("emergency-services", "Fire, ambulance and emergency services"),
    SectorData("housing", "Housing"),
    SectorData("energy-and-utilities", "Energy, water and utilities"),
    SectorData("culture-and-leisure", "Culture, tourism and leisure"),
    SectorData("environment-and-rural", "Environment and rural affairs"),
    SectorData("economic-development", "Economic development and enterprise"),
)
