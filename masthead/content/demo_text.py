"""Word lists and sentence patterns for the demo publication's invented stories.

Every name here (companies, people, agencies, the publication) is made up for the demo;
places are ordinary Indian and world place names. The generator combines them with a
seeded random number generator, so the same seed always yields the same stories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PUBLICATION_NAME = "The Demo Ledger"

COMPANIES = [
    "Arunika Steel", "Bharatvani Telecom", "Chandrakant Motors", "Deccan Loom Textiles",
    "Ektara Software", "Falguni Foods", "Godavari Power", "Himsagar Cements", "Indus Quill Paper",
    "Jalpari Shipping", "Kaveri Pharma", "Lotusline Airways", "Mandovi Mining", "Nilgiri Tea Estates",
    "Orchid Retail", "Peacock Insurance", "Quartzpeak Chemicals", "Rangoli Paints", "Sahyadri Bank",
    "Tarang Solar", "Udaya Fertilisers", "Vindhya Infra", "Wagha Logistics", "Yamuna Finance",
    "Zenith Cables", "Marigold Hospitals", "Saffron Devices", "Banyan Realty", "Monsoon Capital",
    "Kestrel Auto Parts",
]
CITIES = [
    "Mumbai", "Delhi", "Bengaluru", "Chennai", "Kolkata", "Hyderabad", "Pune", "Ahmedabad",
    "Jaipur", "Lucknow", "Kochi", "Indore", "Bhubaneswar", "Guwahati", "Chandigarh", "Nagpur",
    "Coimbatore", "Visakhapatnam", "Surat", "Patna",
]
COUNTRIES = [
    "Japan", "Germany", "Brazil", "Kenya", "Indonesia", "Canada", "Australia", "the UAE",
    "Singapore", "South Korea", "France", "Mexico", "Vietnam", "Egypt", "Chile",
]
FIRST_NAMES = [
    "Aarti", "Bhavesh", "Charulata", "Devendra", "Esha", "Farhan", "Gayatri", "Harish", "Ishita",
    "Jatin", "Kavya", "Lokesh", "Meher", "Nikhil", "Oindrila", "Pranav", "Radhika", "Sameer",
    "Tanvi", "Uday", "Vasudha", "Yashwant", "Zoya", "Anirban", "Leela",
]
LAST_NAMES = [
    "Acharya", "Bhatnagar", "Chitnis", "Dasgupta", "Engineer", "Fernandes", "Gokhale", "Hegde",
    "Iyengar", "Joshi", "Kulkarni", "Lobo", "Menon", "Nadkarni", "Oberoi", "Pillai", "Qureshi",
    "Rajan", "Sengupta", "Thakur", "Upadhyay", "Varma", "Wadia", "Yadav", "Zutshi",
]
# Two writers per section desk: (role, beat) for each, in section order.
DESKS = {
    "news": [("Delhi Bureau Chief", "national affairs"), ("Civic Affairs Reporter", "cities and civic life")],
    "business": [("Business Editor", "companies and deals"), ("Corporate Reporter", "manufacturing and retail")],
    "markets": [("Markets Editor", "equities and bonds"), ("Commodities Reporter", "gold, oil and farm goods")],
    "markets-analysis": [("Investment Analyst", "portfolio strategy"), ("Markets Columnist", "valuations and funds")],
    "economy": [("Economics Correspondent", "growth, prices and jobs"), ("Data Journalist", "official statistics")],
    "technology": [("Technology Editor", "the business of technology"), ("Startups Reporter", "founders and funding")],
    "world": [("World Affairs Correspondent", "trade and diplomacy"), ("Asia Correspondent", "South and East Asia")],
    "opinion": [("Columnist", "public policy"), ("Editorial Page Editor", "ideas and argument")],
    "sport": [("Sports Editor", "cricket"), ("Sports Writer", "hockey, football and athletics")],
    "culture": [("Culture Critic", "books and cinema"), ("Features Editor", "music, food and ideas")],
}
ORGANISATIONS = [
    "the finance ministry", "the central bank", "the state government", "the market regulator",
    "the commerce ministry", "the competition commission", "the city corporation",
    "the industry chamber", "the farmers' union", "the pilots' association",
]
OFFICIALS = [
    "a senior official", "the chief executive", "the managing director", "an analyst at a domestic brokerage",
    "the chief economist", "a spokesperson", "a fund manager", "a trade union leader",
    "the chairperson", "a former regulator",
]

# Things a deal, a rule or a column can be about ({tag_lower} in the patterns).
POLICY_TOPICS = [
    "solar power", "digital payments", "rare earth minerals", "fertiliser imports", "river water sharing",
    "shipping lanes", "vaccine supplies", "electric buses", "food processing", "rail freight",
    "textile exports", "skills training", "drones", "data protection", "crop insurance",
]

TAGS = [
    "Interest rates", "Inflation", "Monsoon", "Budget", "GST", "Startups", "Banking", "Insurance",
    "Mutual funds", "IPOs", "Rupee", "Crude oil", "Gold", "Exports", "Manufacturing", "Railways",
    "Aviation", "Telecom", "Artificial intelligence", "Electric vehicles", "Solar power", "Real estate",
    "Agriculture", "Employment", "Elections", "Parliament", "Supreme Court", "Climate", "Cricket",
    "Hockey", "Cinema", "Books", "Health", "Education", "Cybersecurity", "Semiconductors",
    "Infrastructure", "Tourism", "Retail", "Logistics", "Pharmaceuticals", "Steel",
]


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    name: str
    description: str
    is_premium: bool
    weight: int
    tags: tuple[str, ...]


SECTIONS = [
    SectionSpec("news", "News", "What happened today across the country.", False, 14,
                ("Elections", "Parliament", "Supreme Court", "Railways", "Education", "Health", "Monsoon")),
    SectionSpec("business", "Business", "Companies, deals and the people who run them.", False, 16,
                ("Startups", "IPOs", "Retail", "Logistics", "Steel", "Telecom", "Aviation", "Pharmaceuticals")),
    SectionSpec("markets", "Markets", "Shares, bonds, the rupee and commodities.", False, 12,
                ("Rupee", "Crude oil", "Gold", "Mutual funds", "IPOs", "Interest rates")),
    SectionSpec("markets-analysis", "Markets Analysis",
                "Investment analysis and market strategy for subscribers.", True, 8,
                ("Mutual funds", "Interest rates", "Rupee", "Gold", "Banking", "Insurance")),
    SectionSpec("economy", "Economy", "Growth, prices, jobs and public money.", False, 10,
                ("Inflation", "Budget", "GST", "Employment", "Exports", "Manufacturing", "Agriculture")),
    SectionSpec("technology", "Technology", "Gadgets, software and the business of tech.", False, 10,
                ("Artificial intelligence", "Semiconductors", "Cybersecurity", "Telecom", "Electric vehicles", "Startups")),
    SectionSpec("world", "World", "News from beyond our borders.", False, 9,
                ("Exports", "Climate", "Crude oil", "Tourism", "Elections")),
    SectionSpec("opinion", "Opinion", "Columns and editorials.", False, 7,
                ("Budget", "Climate", "Education", "Employment", "Infrastructure")),
    SectionSpec("sport", "Sport", "Cricket, hockey and everything in between.", False, 8,
                ("Cricket", "Hockey")),
    SectionSpec("culture", "Culture", "Books, cinema, music and ideas.", False, 6,
                ("Cinema", "Books", "Tourism")),
]

SOURCES = [
    ("ledger-wire", "Ledger Wire Service"),
    ("subcontinent-newswire", "Subcontinent Newswire"),
]

# Headline patterns per section: {c} company, {city}, {country}, {n} number, {p} percent,
# {org} organisation, {tag} a topic word.
HEADLINES = {
    "news": [
        "{city} commuters face delays as metro extension opens in stages",
        "{org} promises review of {tag_lower} rules after {city} protests",
        "Heavy rain shuts schools in {city} for {n2} days",
        "{city} hospitals add {n3} beds ahead of the winter season",
        "New bus corridor for {city} clears final hurdle after {n2} years",
        "{org} sets up panel to study water supply in {city}",
        "Court asks {org} to explain delay in {city} flyover",
        "{city} to get {n2} new fire stations by next year",
    ],
    "business": [
        "{c} plans ₹{n3} crore expansion in {city}",
        "{c} names new chief executive after {n2}-year search",
        "{c} quarterly profit rises {p}% on strong demand",
        "{c} and {c2} agree to merge distribution arms",
        "{c} to hire {n4} people as orders pick up",
        "{c} shares slip after {org} questions accounts",
        "{c} opens its largest plant yet near {city}",
        "Why {c} is betting on towns near {city} for growth",
    ],
    "markets": [
        "Sensex ends {p}% higher as banks lead the rally",
        "Rupee firms {n1}0 paise against the dollar on {reason}",
        "Gold prices ease for a {nth} straight session on {reason}",
        "{c} IPO subscribed {n2} times on the final day",
        "Bond yields climb to {p1}% as traders trim rate-cut bets",
        "Metal stocks drag benchmarks lower; {c} falls {p}%",
        "Foreign investors buy ₹{n3} crore of shares after {n2} weeks of selling",
        "Crude oil near ${n2}0 a barrel keeps {c} shares volatile",
        "{c} leads gains in {city}-listed mid-caps on {reason}",
    ],
    "markets-analysis": [
        "Five questions to ask before buying {c} at these levels",
        "Where the smart money is moving as rates near {p1}%",
        "Mid-caps after a {p}% rally: what valuations now imply",
        "Reading {c_pos} balance sheet: the debt that matters",
        "A portfolio for the next {n2} years of slower growth",
        "Why {c} may lag even as credit growth holds at {p}%",
        "Gold, bonds or equities: rebalancing after {reason}",
        "The hidden {p1}% cost in your mutual fund's expense ratio",
        "{c} vs {c2}: which balance sheet holds up better",
    ],
    "economy": [
        "Inflation eases to {p1}% as vegetable prices cool",
        "Factory output grows {p}% in the latest month",
        "Tax collections rise {p}% ahead of the budget",
        "Exports to {country} jump on new trade pact",
        "Monsoon forecast of {p}0% above normal lifts rural demand hopes",
        "Jobless rate in {city} edges down to {p1}%, survey shows",
        "{org} trims growth estimate to {p1}%",
        "GST council to meet on rates for {tag_lower}",
    ],
    "technology": [
        "{c} unveils low-cost phone aimed at first-time buyers",
        "Chip plant near {city} moves closer to production",
        "{c} says its new AI assistant speaks {n2} Indian languages",
        "Data breach at {c} exposes customer records, company says",
        "Electric scooter sales cross {n4} units in a month",
        "{city} startup raises ₹{n3} crore for battery recycling",
        "Satellite internet trials begin in {n2} states with {c}",
        "How {c} rebuilt its app for slow networks",
    ],
    "world": [
        "{country} and India sign deal on {tag_lower}",
        "Elections in {country} set to reshape trade in {tag_lower}",
        "Floods in {country} disrupt shipping routes",
        "{country} raises interest rates for a {nth} time",
        "Talks on a ${n3} billion climate fund resume in {country}",
        "Indian workers in {country} welcome new visa rules",
        "{country} central bank surprises markets with pause",
        "Ports in {country} reopen after week-long strike",
    ],
    "opinion": [
        "The budget must put {tag_lower} before slogans",
        "{city} needs buses more than flyovers",
        "What {city} can teach the rest of India about water",
        "A fair deal for {city}'s gig workers is within reach",
        "{org_cap} should say less and explain more",
        "The quiet crisis in {city}'s school mathematics",
        "Small businesses deserve simpler forms for {tag_lower}",
        "Why {reason} still rules the economy",
        "What {country} can teach us about {tag_lower}",
    ],
    "sport": [
        "{city} seal thriller by {n1} wickets in the final over",
        "Hockey team names {n2} debutants for the tour of {country}",
        "Young spinner takes {n1} wickets as {city} cruise",
        "Marathon in {city} draws a record field of {n4}",
        "{city} club appoints new coach for the season",
        "Captain's century steadies {city} on day {n1}",
        "Women's league to expand to {n1} teams next year",
        "Badminton star wins title in {country}",
    ],
    "culture": [
        "A new novel retells the story of a {city} neighbourhood",
        "Film festival in {city} opens with a debut feature",
        "Classical musicians take their ragas from {city} to small towns",
        "Museum in {city} reopens after a {n2}-year restoration",
        "The {city} cookbook that maps India's forgotten grains",
        "Theatre group from {city} tours {country}",
        "Why {city}'s old single-screen cinemas are drawing crowds again",
        "A poet's notebooks, found in a {city} attic after {n2}0 years",
    ],
}

STANDFIRSTS = [
    "{subject} {verb_phrase}, {consequence}.",
    "The move {verb_phrase2}, and {who} says more is to come.",
    "{who_cap} expects {consequence_short}; others are less sure.",
    "What it means for {audience}, and what happens next.",
]
REASONS = [
    "steady foreign inflows", "a weaker dollar", "hopes of a rate cut", "strong export orders",
    "a good monsoon", "softer oil prices", "the budget", "a surprise in inflation data",
]
SUBJECTS = ["The decision", "The announcement", "The change", "The plan", "The figure", "The deal"]
VERB_PHRASES = [
    "comes after months of negotiation", "surprised most observers", "was widely expected",
    "marks a turn in policy", "follows a difficult year",
]
VERB_PHRASES2 = [
    "affects thousands of households", "changes the outlook for the year",
    "sets a new benchmark for the industry", "could cut costs for consumers",
]
CONSEQUENCES = [
    "raising questions about what comes next", "with investors watching closely",
    "and the effects will take time to show", "putting pressure on rivals to respond",
]
CONSEQUENCES_SHORT = ["a gradual improvement", "a busy few months", "higher demand", "lower prices by spring"]
AUDIENCES = ["savers", "small businesses", "commuters", "first-time investors", "families", "exporters"]

SUBHEADS = [
    "What changes", "Why it matters", "The numbers", "What critics say", "The road ahead",
    "How we got here", "What to watch", "The view from the ground", "Behind the decision",
]
SENTENCES = [
    "{who_cap} said the figures for the quarter were better than the market had feared.",
    "In {city}, traders reported that demand had picked up over the past {n2} weeks.",
    "{c} said in a statement that it would spend about ₹{n3} crore over {n1} years.",
    "The numbers suggest a rise of roughly {p}% from a year earlier, though the base was low.",
    "{org_cap} is expected to publish detailed guidelines before the end of the month.",
    "Not everyone is convinced. \u201cWe have heard promises like this before,\u201d {who} said.",
    "Analysts pointed out that costs for raw materials had risen by close to {p}%.",
    "Officials in {city} said the first phase would be complete within {n2} months.",
    "Competition from {c2} has pushed prices down in several markets.",
    "The proposal will need approval from {org} before it can take effect.",
    "A survey of {n4} households found that most expected prices to stay high.",
    "Shares of {c} have moved within a narrow range since the start of the year.",
    "The plan was first floated {n2} years ago but stalled over questions of funding.",
    "Exporters to {country} said new rules would make paperwork simpler.",
    "\u201cThis is a step in the right direction, but only a step,\u201d {who} said.",
    "Data released on Monday showed growth of {p1}% in the sector.",
    "Some {n3} workers are employed at {c_pos} sites around {city}.",
    "Industry groups have asked for a longer transition period of {n1} years.",
    "The last time a change of this size was tried, results were mixed.",
    "Residents said they would wait to see whether the promises were kept.",
    "For now, the focus is on delivering the first phase on time and on budget.",
    "{c} declined to comment on the size of the order.",
    "The rupee's moves have added another layer of uncertainty for importers.",
    "Several states have already begun similar pilots with encouraging early results.",
]


class Writer:
    """Makes headlines, standfirsts and bodies from the lists above with one seeded RNG."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._headlines: set[str] = set()

    def _slots(self) -> dict[str, str]:
        r = self.rng
        c, c2 = r.sample(COMPANIES, 2)
        return {
            "c": c, "c2": c2,
            "city": r.choice(CITIES), "country": r.choice(COUNTRIES),
            "org": r.choice(ORGANISATIONS), "org_cap": r.choice(ORGANISATIONS).capitalize(),
            "who": r.choice(OFFICIALS), "who_cap": r.choice(OFFICIALS).capitalize(),
            "n1": str(r.randint(2, 9)), "n2": str(r.randint(2, 12)), "n3": str(r.randint(40, 950)),
            "n4": f"{r.randint(2, 90) * 1000:,}",
            "p": str(r.randint(2, 28)), "p1": f"{r.randint(20, 75) / 10:.1f}",
            "nth": r.choice(["second", "third", "fourth", "fifth"]),
            "tag_lower": r.choice(POLICY_TOPICS),
            "reason": r.choice(REASONS),
            "c_pos": c + ("’" if c.endswith("s") else "’s"),
        }

    def headline(self, section_slug: str) -> str:
        """A headline for the section, not repeating an earlier one when it can help it."""
        for _ in range(8):
            text = self.rng.choice(HEADLINES[section_slug]).format(**self._slots())
            text = text[0].upper() + text[1:]
            if text not in self._headlines:
                break
        self._headlines.add(text)
        return text

    def standfirst(self) -> str:
        r = self.rng
        slots = self._slots() | {
            "subject": r.choice(SUBJECTS), "verb_phrase": r.choice(VERB_PHRASES),
            "verb_phrase2": r.choice(VERB_PHRASES2), "consequence": r.choice(CONSEQUENCES),
            "consequence_short": r.choice(CONSEQUENCES_SHORT), "audience": r.choice(AUDIENCES),
        }
        return r.choice(STANDFIRSTS).format(**slots)

    def paragraph(self) -> str:
        count = self.rng.randint(2, 4)
        return " ".join(self.rng.choice(SENTENCES).format(**self._slots()) for _ in range(count))

    def body(self) -> str:
        """6 to 12 paragraphs with two or three subheads, as simple HTML."""
        r = self.rng
        paragraphs = r.randint(6, 12)
        subheads = r.sample(SUBHEADS, r.randint(2, 3))
        at = sorted(r.sample(range(2, paragraphs), len(subheads)))
        parts = []
        for i in range(paragraphs):
            if at and i == at[0]:
                parts.append(f"<h2>{subheads.pop(0)}</h2>")
                at.pop(0)
            parts.append(f"<p>{self.paragraph()}</p>")
        return "\n".join(parts)

    def person(self, used: set[str]) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in used:
                used.add(name)
                return name

    def bio(self, name: str, role: str, beat: str) -> str:
        """A short, invented biography."""
        first = name.split()[0]
        years = self.rng.randint(3, 25)
        city = self.rng.choice(CITIES)
        return (
            f"{name} is {PUBLICATION_NAME}'s {role}, covering {beat}. "
            f"{first} has been a journalist for {years} years and works from {city}."
        )
