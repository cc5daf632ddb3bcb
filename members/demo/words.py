"""Word lists and phrase banks for fictional member companies (seed_demo, generate_companies).

Everything here is invented. Company names are coined from two parts so that they do not name a
real business; people's names are ordinary first names and surnames combined at random; websites
and emails use the reserved ``.example`` and ``.test`` domains; phone numbers come from the ranges
Ofcom keeps for drama and fiction. Towns and postcode districts are real places, because a buyer
filtering by region should see believable addresses.

Banks are keyed by slug (cluster, capability, region, ...). A slug that staff add later and that
has no bank here falls back to generic wording, so generation never depends on this file being
complete.
"""

from __future__ import annotations

from dataclasses import dataclass

# Names ---------------------------------------------------------------------------------------

NAME_HEADS: tuple[str, ...] = (
    "Bracken", "Cairn", "Skerry", "Haar", "Machair", "Corrie", "Lochan", "Gloam", "Brae", "Whin",
    "Birk", "Rowan", "Selkie", "Kelpie", "Bothy", "Stane", "Smirr", "Thole", "Scaur", "Linn",
    "Mearn", "Tarn", "Fettle", "Dreich", "Peewit", "Capercaillie", "Ptarmigan", "Sgurr", "Voe",
    "Yett", "Kyle", "Bield", "Clachan", "Drumlin", "Stravaig", "Blaeberry",
)  # fmt: skip

NAME_TAILS: tuple[str, ...] = (
    "byte", "loop", "gate", "path", "mark", "wise", "stack", "field", "light", "line", "forge",
    "point", "ridge", "sight", "works", "grid", "beam", "craft", "tide", "shore",
)  # fmt: skip

# The second word of a company name, by the cluster it mainly works in...
CLUSTER_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": ("Transit", "Mobility", "Journeys", "Transport Systems"),
    "cyber-security": ("Security", "Cyber", "Defence", "Assurance", "Secure", "Resilience"),
    "data": ("Data", "Analytics", "Insight", "Intelligence", "Data Labs"),
    "traveltech": ("Travel", "Visits", "Destinations", "Tourism Tech"),
    "fintech": ("Finance", "Money"),
}  # fmt: skip
# ...or one that names a particular service, only for a company that offers it (a "Geodata"
# company makes maps).
CAPABILITY_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "account-based-ticketing": ("Ticketing",),
    "smartcard-itso-ticketing": ("Ticketing",),
    "mobile-ticketing": ("Ticketing",),
    "contactless-emv-payments": ("Fares",),
    "fare-collection-back-office": ("Fares", "Ticketing"),
    "geospatial-and-gis": ("Geodata",),
    "booking-and-reservation-systems": ("Bookings",),
    "accommodation-management-systems": ("Bookings",),
    "digital-visitor-guides": ("Trails",),
    "payment-processing": ("Pay", "Payments"),
    "open-banking": ("Pay", "Payments"),
    "digital-identity-verification": ("Identity",),
    "financial-management-software": ("Ledger",),
}
GENERIC_NAME_WORDS: tuple[str, ...] = ("Digital", "Technologies", "Solutions", "Systems")

LEGAL_SUFFIXES: tuple[str, ...] = ("Ltd", "Ltd", "Ltd", "Limited", "Labs Ltd", "Group Ltd")

FIRST_NAMES: tuple[str, ...] = (
    "Morag", "Ewan", "Isla", "Callum", "Fiona", "Ruaridh", "Ailsa", "Hamish", "Kirsty", "Niamh",
    "Lewis", "Eilidh", "Craig", "Shona", "Amir", "Priya", "Tomasz", "Agnieszka", "Chidi", "Mei",
    "Euan", "Catriona", "Fraser", "Rhona", "Duncan", "Mhairi", "Alasdair", "Lorna", "Jamal",
    "Sofia", "Kenneth", "Iona", "Gregor", "Heather", "Dev", "Freya", "Magnus", "Joanna", "Sunil",
    "Orla",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Abernethy", "Cairney", "Drummond", "Erskine", "Fairlie", "Galbraith", "Haldane", "Imrie",
    "Jardine", "Kerr", "Laidlaw", "Menzies", "Nairn", "Ogilvie", "Pringle", "Quinn", "Sinclair",
    "Tait", "Urquhart", "Veitch", "Yule", "Docherty", "Muir", "Lindsay", "Crawford", "Gillespie",
    "Moffat", "Petrie", "Sutherland", "Buchanan", "Chisholm", "Dunbar", "Okafor", "Kowalczyk",
    "Mistry", "Haddad", "Nowak", "Osei", "Lam", "Bhatt",
)  # fmt: skip

EMAIL_MAILBOXES: tuple[str, ...] = ("hello", "enquiries", "info", "bids", "publicsector", "team")

# Places --------------------------------------------------------------------------------------

EDINBURGH_PHONE = "0131 496 0"
GLASGOW_PHONE = "0141 496 0"
FICTION_PHONE = "01632 960"
MOBILE_PHONE = "07700 900"


@dataclass(frozen=True)
class Place:
    town: str
    districts: tuple[str, ...]  # postcode districts (UK) or whole postcodes (elsewhere)
    phone: str = FICTION_PHONE  # three digits are appended
    uk: bool = True


REGION_PLACES: dict[str, tuple[Place, ...]] = {
    "glasgow-city": (
        Place("Glasgow", ("G1", "G2", "G3", "G4", "G5", "G11", "G12", "G40", "G51"), GLASGOW_PHONE),
    ),
    "edinburgh-and-lothians": (
        Place("Edinburgh", ("EH1", "EH2", "EH3", "EH6", "EH7", "EH8", "EH12"), EDINBURGH_PHONE),
        Place("Livingston", ("EH54",), EDINBURGH_PHONE),
        Place("Musselburgh", ("EH21",), EDINBURGH_PHONE),
        Place("Haddington", ("EH41",), EDINBURGH_PHONE),
    ),
    "aberdeen-and-aberdeenshire": (
        Place("Aberdeen", ("AB10", "AB11", "AB15", "AB24", "AB25")),
        Place("Inverurie", ("AB51",)),
        Place("Westhill", ("AB32",)),
        Place("Peterhead", ("AB42",)),
    ),
    "dundee-and-angus": (
        Place("Dundee", ("DD1", "DD2", "DD3", "DD4")),
        Place("Arbroath", ("DD11",)),
        Place("Forfar", ("DD8",)),
    ),
    "perth-and-kinross": (
        Place("Perth", ("PH1", "PH2")),
        Place("Crieff", ("PH7",)),
        Place("Pitlochry", ("PH16",)),
    ),
    "fife": (
        Place("Dunfermline", ("KY11", "KY12")),
        Place("Kirkcaldy", ("KY1", "KY2")),
        Place("Glenrothes", ("KY6", "KY7")),
        Place("St Andrews", ("KY16",)),
    ),
    "forth-valley": (
        Place("Stirling", ("FK7", "FK8", "FK9")),
        Place("Falkirk", ("FK1", "FK2")),
        Place("Alloa", ("FK10",)),
    ),
    "highland-and-moray": (
        Place("Inverness", ("IV1", "IV2", "IV3")),
        Place("Elgin", ("IV30",)),
        Place("Fort William", ("PH33",)),
        Place("Thurso", ("KW14",)),
    ),
    "scottish-islands": (
        Place("Kirkwall", ("KW15",)),
        Place("Lerwick", ("ZE1",)),
        Place("Stornoway", ("HS1",)),
    ),
    "argyll-and-bute": (
        Place("Oban", ("PA34",)),
        Place("Helensburgh", ("G84",), GLASGOW_PHONE),
        Place("Dunoon", ("PA23",)),
    ),
    "dunbartonshire": (
        Place("Clydebank", ("G81",), GLASGOW_PHONE),
        Place("Dumbarton", ("G82",), GLASGOW_PHONE),
        Place("Kirkintilloch", ("G66",), GLASGOW_PHONE),
        Place("Bearsden", ("G61",), GLASGOW_PHONE),
    ),
    "renfrewshire-and-inverclyde": (
        Place("Paisley", ("PA1", "PA2", "PA3"), GLASGOW_PHONE),
        Place("Greenock", ("PA15", "PA16"), GLASGOW_PHONE),
        Place("Giffnock", ("G46",), GLASGOW_PHONE),
    ),
    "lanarkshire": (
        Place("Hamilton", ("ML3",), GLASGOW_PHONE),
        Place("Motherwell", ("ML1",), GLASGOW_PHONE),
        Place("East Kilbride", ("G74", "G75"), GLASGOW_PHONE),
        Place("Coatbridge", ("ML5",), GLASGOW_PHONE),
    ),
    "ayrshire": (
        Place("Ayr", ("KA7", "KA8")),
        Place("Kilmarnock", ("KA1", "KA3")),
        Place("Irvine", ("KA11", "KA12")),
    ),
    "dumfries-and-galloway": (
        Place("Dumfries", ("DG1", "DG2")),
        Place("Stranraer", ("DG9",)),
        Place("Castle Douglas", ("DG7",)),
    ),
    "scottish-borders": (
        Place("Galashiels", ("TD1",), EDINBURGH_PHONE),
        Place("Hawick", ("TD9",)),
        Place("Peebles", ("EH45",), EDINBURGH_PHONE),
        Place("Kelso", ("TD5",)),
    ),
    "rest-of-uk": (
        Place("London", ("EC1V", "EC2A", "SE1", "N1"), "020 7946 0"),
        Place("Manchester", ("M1", "M4"), "0161 496 0"),
        Place("Leeds", ("LS1", "LS2"), "0113 496 0"),
        Place("Bristol", ("BS1", "BS2"), "0117 496 0"),
        Place("Newcastle upon Tyne", ("NE1",), "0191 498 0"),
    ),
    "outside-uk": (
        Place("Dublin", ("D02 X285", "D04 K7W9"), MOBILE_PHONE, uk=False),
        Place("Amsterdam", ("1011 AB", "1017 CT"), MOBILE_PHONE, uk=False),
        Place("Tallinn", ("10111", "10145"), MOBILE_PHONE, uk=False),
        Place("Oslo", ("0150", "0161"), MOBILE_PHONE, uk=False),
    ),
}
CITY_WEIGHT = 3  # the first place of a region holds this many times the companies of each other
FALLBACK_PLACES: tuple[Place, ...] = (Place("Edinburgh", ("EH1", "EH3"), EDINBURGH_PHONE),)

# Relative weight of each region among generated companies (others weigh 2): the cities and
# their commuter belts hold most of the industry.
REGION_WEIGHTS: dict[str, int] = {
    "glasgow-city": 16,
    "edinburgh-and-lothians": 18,
    "aberdeen-and-aberdeenshire": 7,
    "dundee-and-angus": 6,
    "fife": 4,
    "forth-valley": 4,
    "highland-and-moray": 4,
    "lanarkshire": 4,
    "renfrewshire-and-inverclyde": 3,
    "rest-of-uk": 6,
    "outside-uk": 2,
}

# Employee band value -> (weight, smallest and largest head count said in prose).
BAND_PROFILES: dict[str, tuple[int, int, int]] = {
    "1-9": (32, 2, 9),
    "10-49": (36, 10, 49),
    "50-249": (21, 50, 249),
    "250+": (11, 250, 1800),
}

STATUS_WEIGHTS: dict[str, int] = {"published": 94, "draft": 2, "pending": 2, "archived": 2}

# Phrases, by cluster --------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who a company says it works for, and the sectors (slugs) that implies."""

    text: str
    sectors: tuple[str, ...] = ()  # none: private clients, fits any company of the cluster


AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "smart-ticketing-and-transport": (
        Audience("bus, rail and ferry operators", ("transport",)),
        Audience("councils and regional transport partnerships", ("local-government", "transport")),
        Audience("community transport providers", ("transport",)),
        Audience("transport authorities planning integrated fares", ("transport",)),
        Audience(
            "local authorities running rural and school transport",
            ("local-government", "education"),
        ),
        Audience("health boards running patient transport", ("health-and-social-care",)),
    ),
    "cyber-security": (
        Audience(
            "councils, health boards and agencies",
            ("local-government", "health-and-social-care", "central-government"),
        ),
        Audience("public bodies and the suppliers they depend on", ("central-government",)),
        Audience("local authorities and housing associations", ("local-government", "housing")),
        Audience("water, energy and transport operators", ("energy-and-utilities", "transport")),
        Audience("colleges, universities and schools", ("education",)),
        Audience(
            "police, courts and the emergency services",
            ("justice-and-policing", "emergency-services"),
        ),
    ),
    "data": (
        Audience("health boards and research teams", ("health-and-social-care",)),
        Audience("councils and public agencies", ("local-government", "central-government")),
        Audience("government analysts and policy teams", ("central-government",)),
        Audience(
            "public bodies that want to open up their data",
            ("central-government", "local-government"),
        ),
        Audience(
            "planners, environment agencies and utilities",
            ("environment-and-rural", "energy-and-utilities"),
        ),
        Audience("universities and colleges", ("education",)),
    ),
    "traveltech": (
        Audience(
            "destination organisations and visitor attractions",
            ("culture-and-leisure", "economic-development"),
        ),
        Audience(
            "councils that run venues and visitor services",
            ("local-government", "culture-and-leisure"),
        ),
        Audience("museums, galleries and heritage sites", ("culture-and-leisure",)),
        Audience("festivals and event organisers", ("culture-and-leisure",)),
        Audience(
            "national parks and rural tourism partnerships",
            ("environment-and-rural", "economic-development"),
        ),
        Audience("public bodies managing staff travel", ("central-government",)),
    ),
    "fintech": (
        Audience("councils and housing providers", ("local-government", "housing")),
        Audience("public funders and enterprise agencies", ("economic-development",)),
        Audience("banks, credit unions and community lenders"),
        Audience(
            "public bodies that collect and pay out money",
            ("central-government", "local-government"),
        ),
        Audience("regulated firms and their compliance teams"),
    ),
}
GENERIC_AUDIENCES: tuple[Audience, ...] = (
    Audience("public-sector organisations"),
    Audience("councils and agencies", ("local-government",)),
)

MISSIONS: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": (
        "We make public transport simpler to pay for, so fares never put anyone off a journey.",
        "Our aim is a network where one tap, one app or one card works across every operator.",
        "We build the systems that let small operators offer the same ticketing as big ones.",
        "We help transport authorities see how people travel and plan services around them.",
        "Our products keep rural and community transport bookable, reliable and affordable.",
    ),
    "cyber-security": (
        "We help organisations find their weaknesses before an attacker does.",
        "Our job is to make sure that when something goes wrong, it is noticed and contained fast.",
        "We turn security standards into practical, proportionate steps that teams will follow.",
        "We protect the systems that essential public services cannot run without.",
        "We believe security should be explained plainly, and we report without jargon.",
    ),
    "data": (
        "We help public bodies get more value from the data they already hold.",
        "Our aim is data that decision-makers can trust, explain and act upon.",
        "We build data platforms that stay useful long after the project team has gone.",
        "We help organisations use sensitive data safely, lawfully and transparently.",
        "We turn raw records into maps, models and dashboards that answer real questions.",
    ),
    "traveltech": (
        "We help visitors discover the whole of Scotland, not only the places they already know.",
        "Our software makes it easy for small attractions to sell tickets and fill capacity.",
        "We give destinations the evidence to manage tourism so that communities benefit.",
        "We make travel information accessible to everyone, whatever their needs.",
        "We help tourism businesses cut their carbon and show visitors that they have.",
    ),
    "fintech": (
        "We make it easier and cheaper for public services to take and make payments.",
        "Our aim is to make financial services fairer for people on low and irregular incomes.",
        "We help organisations know who they are dealing with without adding friction.",
        "We catch fraud and error early, before public money is lost.",
        "We automate the compliance work that slows regulated firms down.",
    ),
}
GENERIC_MISSIONS: tuple[str, ...] = (
    "We help public services work better for the people they serve.",
)

APPROACHES: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": (
        "Our systems follow open standards, so operators are never locked in to one supplier.",
        "We test on real vehicles and real routes before anything reaches passengers.",
        "Every deployment includes training for drivers, depot staff and customer service teams.",
        "We publish fares and stop data in open formats so that journey planners can use it.",
        "Settlement and reporting run daily, so operators always know what they are owed.",
    ),
    "cyber-security": (
        "Reports rank findings by real-world risk and explain each fix in plain language.",
        "Our analysts are based in Scotland and cleared to work on sensitive public systems.",
        "We retest after remediation at no extra cost, so that fixes are proven, not assumed.",
        "We map our work to the NCSC Cyber Assessment Framework where buyers need it.",
        "Retainer clients get a named lead and an agreed response time, day or night.",
    ),
    "data": (
        "We work in the open, in short iterations, with the client's own analysts alongside us.",
        "Pipelines are tested and documented so that in-house teams can run them after handover.",
        "Data protection impact assessments are part of every project plan, not an afterthought.",
        "We prefer open-source tools and open standards, which keep running costs predictable.",
        "Every model we deliver comes with monitoring, so that drift is spotted early.",
    ),
    "traveltech": (
        "Our products are designed mobile-first and tested with disabled visitors.",
        "Connections to common ticketing, payment and booking channels come ready to use.",
        "Content can be published in Gaelic and other languages as well as English.",
        "We price per booking, so small and seasonal businesses pay only when they sell.",
        "Analytics are aggregated and anonymised, so visitor privacy is protected.",
    ),
    "fintech": (
        "Our platform is hosted in the UK and independently tested every year.",
        "We integrate with the finance and housing systems that councils already use.",
        "Every decision a model makes can be explained to the customer and to an auditor.",
        "We design with advice agencies so that services work for people in financial difficulty.",
        "Onboarding takes weeks, not months, thanks to ready-made connectors and templates.",
    ),
}
GENERIC_APPROACHES: tuple[str, ...] = (
    "We meet the Digital Scotland Service Standard and design with the people who use a service.",
    "Knowledge transfer to in-house teams is built into every engagement.",
    "We are happy to start with a short, fixed-price discovery before any larger commitment.",
    "Our support desk is staffed in Scotland during working hours, with cover out of hours.",
    "We work as part of consortia with other member companies when a contract needs it.",
)

# One or two sentences a company would write about each capability it offers.
CAPABILITY_PITCHES: dict[str, tuple[str, ...]] = {
    "account-based-ticketing": (
        "Our account-based back office caps fares daily and weekly across operators, so "
        "passengers always pay the best price.",
        "We moved a multi-operator scheme from stored-value cards to accounts without a day "
        "of lost sales.",
    ),
    "smartcard-itso-ticketing": (
        "We issue and manage interoperable smartcards, including young persons' and "
        "concessionary products.",
        "Our card management system handles hotlisting, replacement and refunds in one place.",
    ),
    "mobile-ticketing": (
        "Our white-label ticketing app sells tickets in under thirty seconds and works offline "
        "on board.",
        "We add mobile tickets to existing fleets with barcode readers that fit current "
        "validators.",
    ),
    "contactless-emv-payments": (
        "We let passengers tap a bank card or phone on board, with best-fare calculation at the "
        "end of the day.",
        "Our payment gateway is certified for transit and settles with acquirers every night.",
    ),
    "fare-collection-back-office": (
        "Our back office apportions revenue between operators to agreed rules, with an audit "
        "trail for every journey.",
        "Finance teams get daily reconciliation between sales, validations and settlement.",
    ),
    "validators-and-ticket-machines": (
        "We supply, install and maintain validators and ticket machines, with a next-day "
        "swap-out service.",
        "Our driver console combines ticketing, vehicle location and messaging in one unit.",
    ),
    "real-time-passenger-information": (
        "Our real-time service feeds stop displays, websites and apps from one source.",
        "Disruption messages reach every screen and app within a minute of being issued.",
    ),
    "demand-responsive-transport": (
        "Our booking and scheduling platform runs flexible services bookable by app, web or phone.",
        "We help councils replace under-used fixed routes with demand-responsive services.",
    ),
    "mobility-as-a-service": (
        "Our MaaS platform combines bus, rail, ferry, bike and car-club trips in one account.",
        "We connect operators' booking systems so that a whole journey can be planned and paid "
        "for in one go.",
    ),
    "transport-data-analytics": (
        "We combine ticketing, location and count data to show how patronage is changing.",
        "Our analysis has supported business cases for bus priority and network redesign.",
    ),
    "concessionary-travel-management": (
        "We handle eligibility checks, card issue and operator reimbursement for "
        "concessionary schemes.",
        "Our reimbursement engine calculates operator payments from journey data each month.",
    ),
    "penetration-testing": (
        "Our testers assess web applications, networks and cloud estates, and retest after fixes.",
        "We carry out IT health checks for public-sector network connections.",
    ),
    "managed-detection-and-response": (
        "Our security operations centre monitors clients' estates around the clock from Scotland.",
        "We detect, investigate and contain threats on endpoints and cloud services in real time.",
    ),
    "incident-response": (
        "Our incident response team is on call every day of the year, on retainer or ad hoc.",
        "We have led recoveries from ransomware attacks, from first call to lessons learned.",
    ),
    "vulnerability-management": (
        "We run continuous vulnerability scanning and track every fix to closure.",
        "Clients get a monthly view of risk across servers, devices and software.",
    ),
    "cloud-security": (
        "We review and harden Microsoft 365, Azure and AWS configurations against good practice.",
        "Our posture monitoring flags risky cloud changes the day they are made.",
    ),
    "identity-and-access-management": (
        "We design and deploy single sign-on, multi-factor authentication and privileged "
        "access control.",
        "Our joiner-mover-leaver automation removes access the moment someone changes role.",
    ),
    "governance-risk-and-compliance": (
        "We take organisations through Cyber Essentials and ISO/IEC 27001 with a practical plan.",
        "Our consultants write policies people will actually read, and keep risk registers "
        "current.",
    ),
    "security-awareness-training": (
        "Our short, scenario-based training and phishing simulations change how staff behave.",
        "We tailor awareness campaigns for frontline staff who rarely sit at a desk.",
    ),
    "ot-ics-security": (
        "We secure control systems in water, energy and transport without interrupting operations.",
        "Our engineers map operational technology networks and segment them safely.",
    ),
    "digital-forensics": (
        "Our forensic examiners preserve and analyse evidence to a standard courts accept.",
        "We support HR and legal teams with device investigations and expert reports.",
    ),
    "threat-intelligence": (
        "We brief clients on the groups and techniques most likely to target their sector.",
        "Our intelligence feeds straight into clients' detection rules and patching priorities.",
    ),
    "secure-software-development": (
        "We build threat modelling and code review into our clients' delivery pipelines.",
        "Our developers and testers work together so that security issues are fixed before "
        "release.",
    ),
    "data-engineering": (
        "We build pipelines and warehouses that bring together data from dozens of systems.",
        "Our engineers modernise overnight batch jobs into tested, monitored pipelines.",
    ),
    "analytics-and-business-intelligence": (
        "We create dashboards and reports that managers use every week, not once.",
        "Our analysts help teams answer their own questions with self-service tools.",
    ),
    "machine-learning-and-ai": (
        "We build forecasting and classification models and explain how they reach their results.",
        "We help public bodies try generative AI safely, with clear guardrails and evaluation.",
    ),
    "data-governance-and-quality": (
        "We set up data ownership, catalogues and quality checks that last beyond the project.",
        "Our data-quality service finds and fixes duplicate and inconsistent records.",
    ),
    "data-protection-and-privacy": (
        "We carry out data protection impact assessments and design privacy into systems.",
        "Our anonymisation and pseudonymisation tools make sensitive data safe to share.",
    ),
    "open-data-publishing": (
        "We help organisations publish open datasets and APIs with good metadata.",
        "Our publishing pipeline keeps open data up to date without manual effort.",
    ),
    "data-visualisation": (
        "We design charts and interactive reports that make complex findings clear.",
        "Our visualisations meet accessibility standards and work on any device.",
    ),
    "geospatial-and-gis": (
        "We build maps and spatial models, from asset registers to flood risk.",
        "Our GIS team combines satellite, survey and open data into location services.",
    ),
    "health-data-and-trusted-research": (
        "We build and run trusted research environments for health and care data.",
        "Our linkage service joins records safely so that approved researchers never see "
        "identities.",
    ),
    "iot-and-sensor-data": (
        "We deploy sensors and low-power networks that measure buildings, air and footfall.",
        "Our platform turns sensor readings into alerts and trends that estates teams act on.",
    ),
    "data-migration-and-modernisation": (
        "We migrate records out of legacy systems with full reconciliation and sign-off.",
        "Our team cleanses and maps data before it moves, so the new system starts clean.",
    ),
    "booking-and-reservation-systems": (
        "Our booking engine takes reservations and payments for tours, rooms and facilities.",
        "We replace phone and email booking with online availability that updates instantly.",
    ),
    "attraction-and-event-ticketing": (
        "We run timed-entry ticketing, memberships and gate scanning for attractions.",
        "Our capacity tools spread visitors across the day and cut queues at busy sites.",
    ),
    "destination-marketing-platforms": (
        "We build destination websites and content platforms that local businesses can update.",
        "Our campaign tools help destinations reach visitors outside the peak season.",
    ),
    "visitor-analytics": (
        "We measure visitor numbers, origins and spend from bookings, counters and mobile data.",
        "Our dashboards show destinations where pressure is building and where there is room.",
    ),
    "digital-visitor-guides": (
        "We produce multilingual apps and audio guides for heritage sites and trails.",
        "Our interpretation tools bring stories to places without adding signage.",
    ),
    "accessible-travel-information": (
        "We survey venues and publish detailed access guides for disabled visitors.",
        "Our journey information helps people with additional needs plan with confidence.",
    ),
    "sustainable-tourism-tools": (
        "We calculate the carbon footprint of trips and help businesses report it.",
        "Our tools nudge visitors towards lower-carbon travel choices.",
    ),
    "accommodation-management-systems": (
        "Our property management system runs bookings, housekeeping and guest messages.",
        "We connect hotels and hostels to booking channels without double-booking.",
    ),
    "business-travel-management": (
        "We manage staff travel bookings within policy and track travellers for duty of care.",
        "Our platform brings travel, expenses and carbon reporting together.",
    ),
    "visitor-levy-administration": (
        "We provide registration, returns and reporting for local visitor levy schemes.",
        "Our levy portal lets accommodation providers file and pay in minutes.",
    ),
    "payment-processing": (
        "We take card, bank transfer and telephone payments and reconcile them to the ledger.",
        "Our payment pages are accessible, branded and certified for card data.",
    ),
    "open-banking": (
        "We use open banking to collect payments directly from bank accounts at low cost.",
        "Our affordability checks use consented bank data instead of paper statements.",
    ),
    "kyc-and-aml": (
        "We screen customers against sanctions and politically exposed person lists.",
        "Our monitoring service flags unusual transactions for investigation.",
    ),
    "regtech-and-compliance-reporting": (
        "We automate regulatory returns and keep an audit trail of every control.",
        "Our horizon-scanning service tells compliance teams which rule changes affect them.",
    ),
    "digital-identity-verification": (
        "We verify identity online using documents, face matching and trusted data sources.",
        "Our identity checks meet recognised standards for government services.",
    ),
    "fraud-detection": (
        "We detect fraudulent applications and payments with rules and machine learning.",
        "Our investigators' tools link cases and cut the time to reach a decision.",
    ),
    "grant-and-loan-management": (
        "We run grant and loan schemes from application to final monitoring report.",
        "Our assessment workflow lets panels score applications consistently and fairly.",
    ),
    "income-collection-and-debt-recovery": (
        "We help councils and landlords collect rent and charges with affordable plans.",
        "Our arrears tools spot people at risk early and offer support before debt builds.",
    ),
    "financial-inclusion-tools": (
        "We build benefit calculators and budgeting tools used by advice services.",
        "Our products help people on low incomes find support they are entitled to.",
    ),
    "financial-management-software": (
        "Our finance software handles budgeting, purchase-to-pay and forecasting.",
        "We migrate organisations from spreadsheets to a single, auditable finance system.",
    ),
}

# Shorter wording for capability names that read awkwardly in the middle of a sentence.
CAPABILITY_PHRASES: dict[str, str] = {
    "mobility-as-a-service": "MaaS platforms",
    "managed-detection-and-response": "managed detection and response",
    "ot-ics-security": "OT security",
    "health-data-and-trusted-research": "trusted research environments",
}

# Which reference items a company is likely to have, from what it does ----------------------------

# Clusters a company working in two is likely to pair (payments with ticketing, not with cyber
# and tourism at once).
CLUSTER_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": ("data", "fintech", "traveltech"),
    "cyber-security": ("data", "fintech"),
    "data": ("cyber-security", "smart-ticketing-and-transport", "traveltech", "fintech"),
    "traveltech": ("smart-ticketing-and-transport", "data", "fintech"),
    "fintech": ("cyber-security", "data", "smart-ticketing-and-transport"),
}


# (main cluster, second cluster) -> what a company of the first offers in the second: a payments
# firm that also works in transport takes contactless fares, not concessionary travel.
BRIDGING_CAPABILITIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("smart-ticketing-and-transport", "data"): (
        "analytics-and-business-intelligence", "geospatial-and-gis", "iot-and-sensor-data",
        "data-visualisation", "open-data-publishing",
    ),
    ("smart-ticketing-and-transport", "fintech"): (
        "payment-processing", "open-banking", "digital-identity-verification", "fraud-detection",
    ),
    ("smart-ticketing-and-transport", "traveltech"): (
        "booking-and-reservation-systems", "attraction-and-event-ticketing",
        "accessible-travel-information", "business-travel-management",
    ),
    ("cyber-security", "data"): (
        "data-protection-and-privacy", "data-governance-and-quality",
        "health-data-and-trusted-research",
    ),
    ("cyber-security", "fintech"): (
        "fraud-detection", "digital-identity-verification", "kyc-and-aml",
    ),
    ("data", "cyber-security"): (
        "cloud-security", "identity-and-access-management", "governance-risk-and-compliance",
    ),
    ("data", "smart-ticketing-and-transport"): (
        "transport-data-analytics", "real-time-passenger-information",
    ),
    ("data", "traveltech"): ("visitor-analytics", "sustainable-tourism-tools"),
    ("data", "fintech"): ("fraud-detection", "regtech-and-compliance-reporting"),
    ("traveltech", "smart-ticketing-and-transport"): (
        "mobility-as-a-service", "mobile-ticketing", "demand-responsive-transport",
        "real-time-passenger-information",
    ),
    ("traveltech", "data"): (
        "analytics-and-business-intelligence", "data-visualisation", "geospatial-and-gis",
        "open-data-publishing",
    ),
    ("traveltech", "fintech"): ("payment-processing", "open-banking"),
    ("fintech", "cyber-security"): (
        "identity-and-access-management", "threat-intelligence", "secure-software-development",
    ),
    ("fintech", "data"): (
        "analytics-and-business-intelligence", "machine-learning-and-ai",
        "data-protection-and-privacy",
    ),
    ("fintech", "smart-ticketing-and-transport"): (
        "contactless-emv-payments", "fare-collection-back-office",
        "concessionary-travel-management",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Fit:
    """The chance that a company holds something, when it works in one of ``clusters`` or offers
    one of ``capabilities`` (neither given: any company). Of several fits, the likeliest counts."""

    chance: float
    clusters: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()


CYBER_TESTING = ("penetration-testing",)
CARD_PAYMENTS = ("payment-processing", "contactless-emv-payments")
TAKES_BOOKINGS = (
    "mobile-ticketing", "attraction-and-event-ticketing", "booking-and-reservation-systems",
    "fare-collection-back-office", "accommodation-management-systems",
)  # fmt: skip
PERSONAL_DATA = (
    "data-protection-and-privacy", "health-data-and-trusted-research",
    "digital-identity-verification",
)  # fmt: skip
FINTECH_PLATFORMS = (
    "payment-processing", "open-banking", "digital-identity-verification", "fraud-detection",
    "regtech-and-compliance-reporting",
)  # fmt: skip
CYBER = ("cyber-security",)
BUSINESS_DATA = ("data", "fintech", "smart-ticketing-and-transport")

# Certification slug -> when a company holds it (certifications are drawn in this order).
CERTIFICATION_FITS: dict[str, tuple[Fit, ...]] = {
    "cyber-essentials-plus": (Fit(0.8, CYBER), Fit(0.3, BUSINESS_DATA), Fit(0.1)),
    "cyber-essentials": (Fit(0.45),),  # not drawn for a holder of Cyber Essentials Plus
    "iasme-cyber-assurance": (
        Fit(0.35, capabilities=("governance-risk-and-compliance",)), Fit(0.1, CYBER),
    ),
    "iso-27001": (
        Fit(0.55, CYBER), Fit(0.45, ("data", "fintech")),
        Fit(0.25, capabilities=("account-based-ticketing", "fare-collection-back-office")),
    ),
    "iso-27701": (Fit(0.45, capabilities=PERSONAL_DATA),),
    "iso-9001": (Fit(0.35, ("smart-ticketing-and-transport",)), Fit(0.15)),
    "iso-14001": (
        Fit(0.5, capabilities=("sustainable-tourism-tools",)),
        Fit(0.3, capabilities=("validators-and-ticket-machines", "iot-and-sensor-data")),
    ),
    "iso-22301": (
        Fit(0.3, capabilities=(
            "incident-response", "managed-detection-and-response", "fare-collection-back-office",
            "payment-processing",
        )),
    ),
    "soc-2-type-ii": (
        Fit(0.35, capabilities=FINTECH_PLATFORMS),
        Fit(0.25, capabilities=("cloud-security", "managed-detection-and-response")),
    ),
    "pci-dss": (Fit(0.85, capabilities=CARD_PAYMENTS), Fit(0.45, capabilities=TAKES_BOOKINGS)),
    "crest": (
        Fit(0.7, capabilities=CYBER_TESTING),
        Fit(0.4, capabilities=(
            "incident-response", "managed-detection-and-response", "threat-intelligence",
        )),
    ),
    "ncsc-check": (Fit(0.45, capabilities=CYBER_TESTING),),
    "ncsc-cyber-incident-response": (Fit(0.5, capabilities=("incident-response",)),),
}  # fmt: skip

# How long a certificate lasts from issue, in months (Cyber Essentials: a year, ISO: three).
CERTIFICATE_MONTHS: dict[str, int] = {
    "iso-27001": 36,
    "iso-27701": 36,
    "iso-9001": 36,
    "iso-14001": 36,
    "iso-22301": 36,
}
DEFAULT_CERTIFICATE_MONTHS = 12

# How a company names a certificate in a sentence ("We hold ...").
CERTIFICATE_PHRASES: dict[str, str] = {
    "iso-27001": "ISO/IEC 27001 certification",
    "iso-27701": "ISO/IEC 27701 certification",
    "iso-9001": "ISO 9001 certification",
    "iso-14001": "ISO 14001 certification",
    "iso-22301": "ISO 22301 certification",
    "soc-2-type-ii": "a SOC 2 Type II report",
    "pci-dss": "PCI DSS compliance",
    "crest": "CREST membership",
    "ncsc-check": "NCSC CHECK status",
    "ncsc-cyber-incident-response": "NCSC Cyber Incident Response assurance",
}

CERTIFICATION_ISSUERS: tuple[str, ...] = (
    "Brackenridge Assurance (fictional)",
    "Northlight Certification Services (fictional)",
    "Cairnmoor Audit Partners (fictional)",
    "Saltmarsh Assessment Body (fictional)",
)


@dataclass(frozen=True)
class Lot:
    """A framework lot, and who wins a place on it: a company offering one of ``capabilities``
    (and, when ``sectors`` are given, serving one of them)."""

    framework: str  # slug
    name: str
    capabilities: tuple[str, ...]
    sectors: tuple[str, ...] = ()


FRAMEWORK_LOTS: tuple[Lot, ...] = (
    Lot("transport-smart-ticketing", "Lot 1: Account-based and smartcard ticketing", (
        "account-based-ticketing", "smartcard-itso-ticketing", "fare-collection-back-office",
        "concessionary-travel-management",
    )),
    Lot("transport-smart-ticketing", "Lot 2: Payments and mobile ticketing", (
        "contactless-emv-payments", "mobile-ticketing", "validators-and-ticket-machines",
    )),
    Lot("transport-smart-ticketing", "Lot 3: Passenger information", (
        "real-time-passenger-information", "mobility-as-a-service", "demand-responsive-transport",
    )),
    Lot("sg-digital-technology-services", "Lot 1: Digital consultancy", (
        "destination-marketing-platforms", "digital-visitor-guides",
        "accessible-travel-information", "data-governance-and-quality",
    )),
    Lot("sg-digital-technology-services", "Lot 2: Software development", (
        "mobile-ticketing", "mobility-as-a-service", "demand-responsive-transport",
        "secure-software-development", "financial-management-software",
    )),
    Lot("sg-digital-technology-services", "Lot 3: Data and analytics", (
        "data-engineering", "analytics-and-business-intelligence", "machine-learning-and-ai",
        "data-visualisation", "transport-data-analytics", "visitor-analytics",
    )),
    Lot("sg-cyber-security-services", "Lot 1: Penetration testing and IT health checks", (
        "penetration-testing",
    )),
    Lot("sg-cyber-security-services", "Lot 2: Security monitoring", (
        "managed-detection-and-response", "threat-intelligence", "vulnerability-management",
    )),
    Lot("sg-cyber-security-services", "Lot 3: Incident response", (
        "incident-response", "digital-forensics",
    )),
    Lot("scotland-excel-digital-services", "Lot 2: Software and platforms", (
        "booking-and-reservation-systems", "attraction-and-event-ticketing",
        "destination-marketing-platforms", "accommodation-management-systems",
    )),
    Lot("scotland-excel-digital-services", "Lot 3: Income and payment services", (
        "payment-processing", "open-banking", "income-collection-and-debt-recovery",
        "visitor-levy-administration",
    )),
    Lot("scotland-excel-digital-services", "Lot 4: Cyber security services", (
        "penetration-testing", "managed-detection-and-response", "incident-response",
        "vulnerability-management", "cloud-security", "identity-and-access-management",
        "governance-risk-and-compliance", "security-awareness-training",
    )),
    Lot("nss-digital-health-and-care", "Lot 2: Data platforms and analytics", (
        "health-data-and-trusted-research", "data-engineering",
        "analytics-and-business-intelligence", "machine-learning-and-ai",
    ), ("health-and-social-care",)),
    Lot("nss-digital-health-and-care", "Lot 4: Identity and access", (
        "digital-identity-verification", "identity-and-access-management",
    ), ("health-and-social-care",)),
    Lot("apuc-it-services", "Lot 1: Consultancy", (
        "data-engineering", "analytics-and-business-intelligence", "machine-learning-and-ai",
        "data-governance-and-quality", "data-protection-and-privacy",
        "security-awareness-training",
    ), ("education",)),
    Lot("ccs-g-cloud-14", "Lot 2: Cloud software", (
        "mobile-ticketing", "fare-collection-back-office", "real-time-passenger-information",
        "booking-and-reservation-systems", "attraction-and-event-ticketing",
        "accommodation-management-systems", "analytics-and-business-intelligence",
        "financial-management-software", "grant-and-loan-management", "fraud-detection",
        "digital-identity-verification",
    )),
    Lot("ccs-g-cloud-14", "Lot 3: Cloud support", (
        "cloud-security", "managed-detection-and-response", "identity-and-access-management",
        "data-engineering", "data-migration-and-modernisation",
    )),
    Lot("ccs-digital-outcomes-6", "Lot 1: Digital outcomes", (
        "data-engineering", "machine-learning-and-ai", "open-data-publishing",
        "data-migration-and-modernisation", "secure-software-development",
    )),
    Lot("ccs-technology-services-4", "Lot 1: Technology strategy and services design", (
        "regtech-and-compliance-reporting", "financial-management-software",
        "grant-and-loan-management", "data-migration-and-modernisation",
    )),
)  # fmt: skip

CLUSTER_SECTORS: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": ("transport", "local-government"),
    "cyber-security": (
        "central-government", "local-government", "health-and-social-care",
        "energy-and-utilities", "justice-and-policing",
    ),
    "data": (
        "health-and-social-care", "central-government", "local-government",
        "environment-and-rural", "education",
    ),
    "traveltech": ("culture-and-leisure", "economic-development", "local-government"),
    "fintech": ("local-government", "housing", "central-government", "economic-development"),
}  # fmt: skip
# Sectors a capability all but implies (a trusted research environment is for health data).
CAPABILITY_SECTORS: dict[str, tuple[str, ...]] = {
    "concessionary-travel-management": ("transport", "local-government"),
    "demand-responsive-transport": ("transport", "health-and-social-care"),
    "real-time-passenger-information": ("transport",),
    "ot-ics-security": ("energy-and-utilities",),
    "digital-forensics": ("justice-and-policing",),
    "health-data-and-trusted-research": ("health-and-social-care",),
    "geospatial-and-gis": ("environment-and-rural",),
    "iot-and-sensor-data": ("energy-and-utilities",),
    "open-data-publishing": ("central-government",),
    "attraction-and-event-ticketing": ("culture-and-leisure",),
    "destination-marketing-platforms": ("culture-and-leisure", "economic-development"),
    "sustainable-tourism-tools": ("environment-and-rural",),
    "visitor-levy-administration": ("local-government",),
    "business-travel-management": ("central-government",),
    "income-collection-and-debt-recovery": ("housing", "local-government"),
    "financial-inclusion-tools": ("housing",),
    "grant-and-loan-management": ("economic-development",),
}

# Case studies -----------------------------------------------------------------------------------

# Public-sector clients, with the sector (slug) each is in: a company's case studies are with
# clients in the sectors it serves.
PUBLIC_CLIENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "smart-ticketing-and-transport": (
        ("A regional transport partnership", "transport"),
        ("A Scottish island council", "local-government"),
        ("A community transport trust", "transport"),
        ("A city council's transport team", "local-government"),
        ("An NHS board's patient transport service", "health-and-social-care"),
    ),
    "cyber-security": (
        ("A Scottish local authority", "local-government"),
        ("An NHS health board", "health-and-social-care"),
        ("A national public body", "central-government"),
        ("A further education college", "education"),
        ("A fire and rescue service", "emergency-services"),
        ("A police division", "justice-and-policing"),
        ("A public water utility", "energy-and-utilities"),
        ("A housing association", "housing"),
    ),
    "data": (
        ("A territorial NHS health board", "health-and-social-care"),
        ("A Scottish local authority", "local-government"),
        ("A national statistics team", "central-government"),
        ("An environment agency", "environment-and-rural"),
        ("A Scottish university", "education"),
        ("A public water utility", "energy-and-utilities"),
    ),
    "traveltech": (
        ("A national park authority", "environment-and-rural"),
        ("A council-run museums service", "culture-and-leisure"),
        ("A regional destination organisation", "economic-development"),
        ("A city events team", "local-government"),
    ),
    "fintech": (
        ("A Scottish local authority", "local-government"),
        ("A housing association", "housing"),
        ("A public enterprise agency", "economic-development"),
        ("A national funding body", "central-government"),
    ),
}
PRIVATE_CLIENTS: dict[str, tuple[str, ...]] = {
    "smart-ticketing-and-transport": ("A family-owned bus operator", "A ferry operator"),
    "cyber-security": ("A renewable energy developer", "A Scottish law firm"),
    "data": ("A life sciences company", "An energy network operator"),
    "traveltech": ("A Highland tour operator", "A group of independent hotels"),
    "fintech": ("A community credit union", "An Edinburgh investment manager"),
}
GENERIC_CLIENTS: tuple[str, ...] = ("A public-sector client", "A private-sector client")

CASE_TITLES: tuple[str, ...] = (
    "{capability} for {client}",
    "{Capability} programme with {client}",
    "Bringing {capability} to {client}",
    "{Capability}: a {years}-year partnership with {client}",
)


@dataclass(frozen=True)
class Story:
    """A case study's plot: what the client faced and what changed, for these capabilities."""

    capabilities: tuple[str, ...]
    challenge: str  # follows the client: "A housing association <challenge>."
    outcome: str
    clients: tuple[str, ...] = ()  # public-sector clients it suits, when not any in the cluster


STORIES: dict[str, tuple[Story, ...]] = {
    "smart-ticketing-and-transport": (
        Story(
            ("account-based-ticketing", "smartcard-itso-ticketing", "fare-collection-back-office"),
            "wanted one ticket to work across several operators",
            "Passengers no longer need to know which operator runs their bus.",
        ),
        Story(
            ("validators-and-ticket-machines", "contactless-emv-payments", "mobile-ticketing"),
            "needed to replace ageing ticket machines before support ended",
            "Boarding is quicker and drivers handle far less cash.",
        ),
        Story(
            ("transport-data-analytics", "real-time-passenger-information"),
            "had little evidence of how people used its rural services",
            "Routes are now planned from evidence instead of estimates.",
        ),
        Story(
            ("demand-responsive-transport", "mobility-as-a-service"),
            "needed to keep villages connected after a fixed bus route was withdrawn",
            "Residents book a journey the evening before, and use has grown every quarter.",
        ),
        Story(
            ("real-time-passenger-information",),
            "had frequent complaints about departure screens that could not be trusted",
            "Predictions at stops are now accurate to within a minute on most journeys.",
        ),
        Story(
            ("concessionary-travel-management", "fare-collection-back-office"),
            "was reimbursing operators for concessionary journeys from spreadsheets",
            "Operators are paid on time each month, straight from journey data.",
        ),
        Story(
            ("mobility-as-a-service", "mobile-ticketing", "contactless-emv-payments"),
            "wanted residents and visitors to plan and pay for whole journeys in one place",
            "Trips combining several modes have grown steadily since launch.",
        ),
    ),
    "cyber-security": (
        Story(
            ("penetration-testing", "vulnerability-management", "secure-software-development"),
            "needed assurance before connecting a new system to a national network",
            "Critical findings were fixed and verified within a month.",
        ),
        Story(
            ("security-awareness-training",),
            "had suffered a phishing attack and wanted to prevent another",
            "Reported phishing rose sharply while successful attacks fell.",
        ),
        Story(
            ("managed-detection-and-response", "threat-intelligence", "vulnerability-management"),
            "lacked round-the-clock monitoring of its estate",
            "Suspicious activity is now spotted in minutes rather than days.",
        ),
        Story(
            ("governance-risk-and-compliance", "identity-and-access-management"),
            "had to reach a recognised standard to keep an important contract",
            "The client passed its external audit first time.",
        ),
        Story(
            ("incident-response", "digital-forensics"),
            "was hit by ransomware late on a Friday evening",
            "Core services were back within days, with evidence preserved for the police.",
        ),
        Story(
            ("ot-ics-security",),
            "had connected plant control systems to its office network over the years",
            "The control network is now segmented and monitored, with no unplanned downtime.",
        ),
        Story(
            ("identity-and-access-management", "cloud-security"),
            "found that former staff could still reach its cloud services",
            "Access is now removed automatically on the day someone leaves.",
        ),
    ),
    "data": (
        Story(
            ("data-engineering", "data-governance-and-quality", "data-migration-and-modernisation"),
            "held the same information in a dozen systems that did not agree",
            "Analysts now spend their time on analysis rather than on preparing data.",
        ),
        Story(
            ("health-data-and-trusted-research", "data-protection-and-privacy"),
            "needed to share sensitive records with researchers safely",
            "Approved researchers began work months sooner than before.",
        ),
        Story(
            ("machine-learning-and-ai", "analytics-and-business-intelligence"),
            "wanted to forecast demand for services several years ahead",
            "Service managers now plan budgets from a shared forecast.",
        ),
        Story(
            ("open-data-publishing", "data-visualisation"),
            "was asked to publish more of its data openly",
            "The published data is reused by community groups and journalists.",
        ),
        Story(
            ("geospatial-and-gis",),
            "needed to know which of its roads and buildings were most at risk of flooding",
            "Maintenance budgets now go first to the sites at greatest risk.",
        ),
        Story(
            ("iot-and-sensor-data",),
            "was heating and lighting buildings that were often half empty",
            "Energy use fell noticeably in the first winter.",
        ),
        Story(
            ("data-visualisation", "analytics-and-business-intelligence"),
            "published performance reports that few people read",
            "Board members now use the dashboards in every meeting.",
        ),
    ),
    "traveltech": (
        Story(
            ("visitor-analytics", "destination-marketing-platforms", "sustainable-tourism-tools"),
            "saw crowds at a few sites while others nearby were quiet",
            "Visitor numbers are now spread more evenly across the season.",
        ),
        Story(
            ("booking-and-reservation-systems", "accommodation-management-systems"),
            "still took most bookings by phone and email",
            "Most bookings are now made online, freeing staff to spend time with visitors.",
        ),
        Story(
            ("visitor-analytics",),
            "wanted to understand where its visitors came from and what they spent",
            "The evidence helped secure new funding for the area.",
        ),
        Story(
            ("accessible-travel-information", "digital-visitor-guides"),
            "needed access information that disabled visitors could rely on",
            "Complaints about access information have all but stopped.",
        ),
        Story(
            ("attraction-and-event-ticketing", "booking-and-reservation-systems"),
            "had long queues at the entrance on busy days",
            "Timed entry cut queues and smoothed visits through the day.",
        ),
        Story(
            ("visitor-levy-administration",),
            "had to introduce a visitor levy within a year",
            "Accommodation providers registered and filed their first returns online.",
            clients=("A Scottish local authority", "A city council's finance team"),
        ),
        Story(
            ("business-travel-management", "sustainable-tourism-tools"),
            "could not see what its staff travel cost, or what it emitted",
            "Travel spend and emissions are reported monthly, and both have fallen.",
        ),
        Story(
            ("digital-visitor-guides", "destination-marketing-platforms"),
            "wanted to tell the stories of a heritage trail without adding signs to the landscape",
            "Visitors now spend longer on the trail, guided in six languages.",
        ),
    ),
    "fintech": (
        Story(
            ("fraud-detection", "digital-identity-verification", "kyc-and-aml"),
            "was losing money to fraudulent applications",
            "Fraud losses fell substantially in the first year.",
        ),
        Story(
            ("payment-processing", "financial-management-software", "open-banking"),
            "spent too long reconciling payments by hand",
            "Payments now reconcile automatically each morning.",
        ),
        Story(
            ("income-collection-and-debt-recovery", "financial-inclusion-tools"),
            "wanted to help tenants in arrears before their debts grew",
            "More tenants agreed affordable plans and fewer cases reached court.",
            clients=("A housing association", "A Scottish local authority"),
        ),
        Story(
            ("grant-and-loan-management", "digital-identity-verification"),
            "needed to pay out grants quickly without weakening its checks",
            "Applicants were paid in days rather than weeks.",
        ),
        Story(
            ("regtech-and-compliance-reporting", "kyc-and-aml"),
            "was preparing regulatory returns by hand from several systems",
            "Returns now take hours rather than weeks, with a full audit trail.",
        ),
        Story(
            ("financial-inclusion-tools",),
            "wanted residents to claim the support they were entitled to",
            "Thousands of households checked their entitlement in the first year.",
        ),
        Story(
            ("open-banking", "income-collection-and-debt-recovery"),
            "paid high card fees on rent and council tax payments",
            "Account-to-account payments now cost a fraction of the card fees.",
        ),
    ),
}
GENERIC_STORY = Story(
    (),
    "needed to modernise an important service",
    "The service is now simpler to run and to use.",
)

METHODS: tuple[str, ...] = (
    "working alongside the client's own team",
    "starting with a short discovery phase",
    "in phases, with a pilot before full roll-out",
    "reusing the client's existing systems where possible",
    "with training so that staff could take over",
)

# How companies describe themselves --------------------------------------------------------------

# Employee band -> (earliest, latest) founding year.
FOUNDED_BETWEEN: dict[str, tuple[int, int]] = {
    "1-9": (2012, 2025),
    "10-49": (2003, 2024),
    "50-249": (1992, 2019),
    "250+": (1971, 2012),
}

SIZE_WORDS: dict[str, str] = {
    "1-9": "small",
    "10-49": "growing",
    "50-249": "well-established",
    "250+": "large",
}

CLUSTER_NOUNS: dict[str, str] = {
    "smart-ticketing-and-transport": "transport technology",
    "cyber-security": "cyber security",
    "data": "data",
    "traveltech": "travel technology",
    "fintech": "financial technology",
}

SCOPES: tuple[str, ...] = (
    "Scotland",
    "Scotland and the north of England",
    "the UK",
    "the UK and Ireland",
    "rural and island Scotland",
)

SUMMARY_TEMPLATES: tuple[str, ...] = (
    "{town}-based specialists in {capabilities} for {audience}.",
    "{Capabilities} for {audience}, from a {size} team in {town}.",
    "We help {audience} with {capabilities}.",
    "{Size} {cluster} company providing {capabilities} to {audience}.",
    "Independent provider of {capabilities}, working with {audience} across {scope}.",
    "{Capabilities}, designed for {audience}.",
)

INTRODUCTIONS: tuple[str, ...] = (
    "{name} was founded in {town} in {founded} and today employs {headcount} people. {mission}",
    "{mission} Founded in {founded}, {short} is a team of {headcount} based in {town}.",
    "{short} has worked with {audience} since {founded}. {mission} The company employs "
    "{headcount} people from its base in {town}.",
    "{mission} We are {headcount} people in {town}, and we have been doing this since {founded}.",
)

SECTOR_PHRASES: dict[str, str] = {
    "health-and-social-care": "health and social care",
    "local-government": "local government",
    "central-government": "central government",
    "transport": "transport",
    "education": "education",
    "justice-and-policing": "justice and policing",
    "emergency-services": "the emergency services",
    "housing": "housing",
    "energy-and-utilities": "energy and utilities",
    "culture-and-leisure": "culture and leisure",
    "environment-and-rural": "the environment and rural affairs",
    "economic-development": "economic development",
}

# (Company field, what "We ..." says when it is true).
COMMITMENT_CLAUSES: tuple[tuple[str, str], ...] = (
    ("pays_real_living_wage", "are an accredited Real Living Wage employer"),
    ("fair_work_first", "follow Fair Work First practices"),
    ("scottish_business_pledge", "have signed the Scottish Business Pledge"),
)
SUPPORTED_BUSINESS_SENTENCE = (
    "As a supported business, at least a third of our workforce are disabled or disadvantaged "
    "workers."
)

# How many demo companies are in each status (the rest of a larger demo set is published).
DEMO_STATUS_COUNTS: dict[str, int] = {"published": 52, "draft": 3, "pending": 3, "archived": 2}
# How many demo companies are in each employee band: mostly SMEs, a few large employers.
DEMO_BAND_COUNTS: dict[str, int] = {"1-9": 18, "10-49": 22, "50-249": 13, "250+": 7}
