"""Hand-written templates of the theme corpus, per theme and sub-topic (see generate.py).

Template syntax: {slot} is filled from SLOTS (or the topic's own "slots"), [a|b|c] picks one
alternative, [a|] makes "a" optional. Each template has a register:
    "w"  WhatsApp style: slang and abbreviations, lower case, more typos;
    "n"  neutral app text;
    "f"  formal letter: greeting, context and closing added;
    "k"  very short (a few words, no framing), as typed after picking a category.

Labels follow the rules in data/corpus/README.md ("Ambiguous cases"). Topics whose name starts
with "hard-" are the ambiguous cases; heldout_hard.txt holds their held-out examples.

Place names: only streets and areas that exist in Beverwijk (the streets named in the brief,
plus CBS buurt names from data/areas and streets those buurten are named after).
"""

# ---------------------------------------------------------------------------------------------
# Slots shared by all templates.

SLOTS = {
    "straat": [
        "Breestraat", "Meerstraat", "Zeestraat", "Koningstraat", "Alkmaarseweg", "Velserweg",
        "Plesmanweg", "Hoflaan", "Baanstraat", "Arendsweg", "Laan der Nederlanden",
        "Burgerhartstraat", "Reguliersstraat", "Vondellaan", "Creutzberglaan", "Bleriotlaan",
        "Fokkerlaan", "Kagerweg", "Wijkermeerweg",
    ],
    "straat_kort": ["breestr", "zeestraat", "meerstr", "koningstr", "alkmaarseweg", "velserweg",
                    "hoflaan", "baanstr", "arendsweg", "vondellaan"],
    "buurt": [
        "Oosterwijk", "Zwaansmeer", "De Pijp", "Wijk aan Zee", "Meerestein", "Wijkerbroek",
        "het centrum", "het Vondelkwartier", "het Kuenenkwartier", "de Oranjebuurt",
        "Oostertuinen", "Westertuinen", "de Warande", "Sint Aagtendorp",
    ],
    "plein": ["Stationsplein", "Meerplein"],
    "tijd": [
        "vannacht", "gisteravond", "vanochtend vroeg", "vanmiddag", "net", "zojuist",
        "afgelopen nacht", "zaterdagnacht", "gisteren rond 22.00 uur", "om 3 uur 's nachts",
        "rond half 6", "zondagavond", "vrijdag rond 23:30",
    ],
    "tijd_cap": [
        "Vannacht", "Gisteravond", "Vanochtend", "Afgelopen nacht", "Zaterdagavond",
        "Gisteren rond 22.00 uur", "Vorige week", "Maandagmiddag", "Afgelopen weekend",
    ],
    "uur": ["1", "2", "3", "half 2", "half 4", "12"],
    "n2": ["8", "10", "15", "tien", "twintig", "zes"],
    "wie": ["ons", "de buren", "mijn moeder", "de buurvrouw", "mijn ouders", "de overburen"],
    "persoon": [
        "een man in een donkere jas", "een vrouw met een capuchon op", "twee mannen met rugzakken",
        "een onbekende man", "een man met een petje", "iemand in het zwart",
        "een lange man met een sporttas", "twee personen",
    ],
    "plek_jeugd": [
        "de skatebaan", "het voetbalkooitje", "het speelveld", "de bushalte", "het winkelcentrum",
        "de snackbar", "het jongerencentrum", "de ingang van de school", "het bankje bij de vijver",
        "het Meerplein", "het Stationsplein", "de pannakooi", "de gymzaal",
    ],
    "plek_station": ["het station", "station Beverwijk", "de stalling bij het station", "het Stationsplein"],
    "plek_sub": ["het Stationsplein", "de parkeerplaats aan de Alkmaarseweg", "het park", "de bushalte",
                 "de garageboxen", "het Meerplein", "de achterkant van de flat"],
    "plek_winkel": ["de Breestraat", "de Beverwijkse Bazaar", "het Meerplein", "de markt",
                    "de winkelstraat", "de Koningstraat"],
    "winkel": ["de supermarkt", "de drogist", "de Kruidvat", "de Albert Heijn", "de Action",
               "de HEMA", "de slijterij", "de telefoonwinkel", "de kledingwinkel", "de Jumbo",
               "de Lidl", "de bakker", "de boekhandel"],
    "zaak": ["snackbar", "slijterij", "juwelier", "supermarkt", "avondwinkel", "tabakszaak"],
    "horeca": ["het café", "de kroeg", "de snackbar", "de shoarmazaak", "het eetcafé",
               "de pizzeria", "het grillroom"],
    "loc_ind": ["aan de Wijkermeerweg", "op het bedrijventerrein aan de Wijkermeerweg",
                "aan de Plesmanweg", "op het industrieterrein"],
    "kleur": ["zwarte", "witte", "grijze", "donkerblauwe", "rode", "zilveren"],
    "auto": ["Golf", "Audi", "BMW", "Mercedes", "bestelbus", "Polo", "Peugeot"],
    "huisdier": ["kat", "hond", "konijn", "kitten"],
    "naam": ["Max", "Bobby", "Luna", "Saar", "Guus", "Pip", "Tijger"],
}

# How {loc} is written (a location in a sentence).
LOC_FORMS = [
    "in de {straat}", "in de {straat}", "aan de {straat}", "bij de {straat}",
    "op de hoek van de {straat}", "in {buurt}", "in {buurt}", "in {buurt} ({straat})",
    "op het {plein}", "bij het {plein}", "{straat} {nr}", "in de {straat_kort}",
    "achter de flats in {buurt}", "bij ons in de straat ({straat})",
]

# Slang and abbreviations for the WhatsApp register: (regex, replacements, probability).
SLANG = [
    (r"\bmijn\b", ["mn", "m'n", "mijn"], 0.6),
    (r"\bMijn\b", ["Mn", "M'n"], 0.5),
    (r"\bgewoon\b", ["gwn"], 0.6),
    (r"\beven\b", ["ff", "effe"], 0.6),
    (r"\binderdaad\b", ["idd"], 0.8),
    (r"\bof zo\b", ["ofzo"], 0.7),
    (r"\bniet\b", ["nie", "ni", "niet"], 0.25),
    (r"\bhet is\b", ["tis", "'t is"], 0.3),
    (r"\bvanavond\b", ["vanavnd", "vnv"], 0.3),
    (r"'s nachts", ["snachts", "s nachts"], 0.5),
    (r"\bongeveer\b", ["ong", "ongv"], 0.5),
    (r"\balsjeblieft\b", ["aub", "pls"], 0.6),
    (r"\bpolitie\b", ["popo", "pliesie"], 0.15),
    (r"\bjongens\b", ["gasten", "gastjes"], 0.2),
    (r"\bwat\b", ["wa"], 0.1),
    (r"\bheel\b", ["echt", "super"], 0.3),
    (r"\bwordt\b", ["word", "wort"], 0.2),
    (r"\bgestolen\b", ["gejat", "gepikt"], 0.4),
    (r"\bgeld\b", ["doekoe"], 0.1),
    (r"\bvechtpartij\b", ["fittie"], 0.3),
    (r"\bweet ik niet\b", ["weetniet"], 0.5),
    (r"\bmisschien\b", ["mss", "miss"], 0.5),
    (r"\btrouwens\b", ["trw"], 0.5),
    (r"\bvoor\b", ["vr"], 0.05),
]

# Synonyms, applied to every register: one template yields varied vocabulary, so the model
# learns that "hangjeugd", "tieners" and "pubers" mean the same as "jongeren". Vocabulary is
# shared between the splits (as in real reports); phrasings (templates) are not.
SYNONYMS = [
    (r"\bjongeren\b", ["jongeren", "tieners", "pubers", "jongelui", "hangjongeren", "jeugd"], 0.5),
    (r"\bJongeren\b", ["Jongeren", "Tieners", "Pubers", "Jongelui", "Hangjongeren"], 0.4),
    (r"\bjongens\b", ["jongens", "jochies", "knullen", "gasten"], 0.3),
    (r"\btieners\b", ["tieners", "pubers", "jongeren", "hangjeugd"], 0.4),
    (r"\bscholieren\b", ["scholieren", "leerlingen", "schoolkinderen"], 0.4),
    (r"\bgedeald\b", ["gedeald", "drugs verkocht", "gehandeld"], 0.5),
    (r"\bdrugs\b", ["drugs", "verdovende middelen", "coke", "harddrugs", "drugs en wiet"], 0.4),
    (r"\bwiet\b", ["wiet", "hasj", "weed", "cannabis"], 0.4),
    (r"\bhennepkwekerij\b", ["hennepkwekerij", "wietplantage", "wietkwekerij", "kwekerij"], 0.5),
    (r"\bwietplantage\b", ["wietplantage", "hennepkwekerij", "hennepplantage", "kwekerij"], 0.5),
    (r"\bwoning\b", ["woning", "huis", "pand", "bovenwoning", "benedenwoning"], 0.3),
    (r"\bgestolen\b", ["gestolen", "weggenomen", "ontvreemd", "gejat", "gepikt"], 0.4),
    (r"\bwinkel\b", ["winkel", "zaak", "shop"], 0.3),
    (r"\bkapot\b", ["kapot", "stuk", "defect", "beschadigd"], 0.4),
    (r"\bbedreigd\b", ["bedreigd", "geintimideerd", "lastiggevallen"], 0.3),
    (r"\bvernield\b", ["vernield", "gesloopt", "kapotgemaakt"], 0.4),
    (r"\boverlast\b", ["overlast", "last", "hinder"], 0.3),
    (r"\bgevaarlijk\b", ["gevaarlijk", "levensgevaarlijk", "onveilig", "riskant"], 0.4),
    (r"\bpersoneel\b", ["personeel", "medewerkers", "de caissieres"], 0.3),
    (r"\bklanten\b", ["klanten", "winkelend publiek", "bezoekers"], 0.3),
    (r"\bmannen\b", ["mannen", "kerels", "figuren", "types"], 0.3),
    (r"\bafval\b", ["afval", "vuil", "troep", "rommel"], 0.3),
    (r"\blantaarnpaal\b", ["lantaarnpaal", "straatlantaarn", "lantaarn", "straatlamp", "lichtmast"], 0.5),
    (r"\bvechtpartij\b", ["vechtpartij", "knokpartij", "gevecht", "matpartij"], 0.5),
    (r"\bscooters\b", ["scooters", "brommers", "snorfietsen", "fatbikes"], 0.4),
    (r"\bscooter\b", ["scooter", "brommer", "snorfiets", "fatbike"], 0.4),
    (r"\bingebroken\b", ["ingebroken", "een inbraak geweest"], 0.2),
    (r"\binbraak\b", ["inbraak", "inbraakpoging", "braak"], 0.3),
    (r"\bdief\b", ["dief", "winkeldief", "dader"], 0.4),
    (r"\bovervallen\b", ["overvallen", "beroofd"], 0.3),
    (r"\bcontant\b", ["contant", "cash", "met briefjes van 500"], 0.4),
    (r"\bcontainer\b", ["container", "afvalcontainer", "vuilcontainer", "kliko"], 0.3),
    (r"\bstoep\b", ["stoep", "trottoir", "voetpad"], 0.4),
    (r"\bgas\b", ["gas", "aardgas"], 0.2),
]

W_PREFIX = ["hoi ", "hallo, ", "ff melden: ", "yo ", "goeienavond, ", "help ", "hee ", "melding: ",
            "urgent!! ", "sorry maar ", "weer: "]
W_SUFFIX = [" wtf", " graag actie", " wie doet hier wat aan??", " pls kijken", " !!", " ??", " bvd",
            " alvast bedankt", " ik heb fotos", " echt niet normaal meer", " elke keer weer",
            " 😡", " 🙄", " gr", " idd weer hetzelfde", " wat moet ik doen", " ofzo"]
N_PREFIX = ["Melding: ", "Hallo, ", "Goedemiddag, ", "Goedenavond, ", "Beste, ", "Hoi, "]
N_SUFFIX = ["Graag actie.", "Kunnen jullie hier iets mee?", "Graag even kijken.", "Alvast bedankt.",
            "Dit is niet de eerste keer.", "Ik heb foto's gemaakt.", "Groetjes.", "Mvg.",
            "Wie kan hier iets aan doen?", "Het is nu nog steeds zo."]
F_PREFIX = ["Geachte heer/mevrouw, ", "Beste gemeente, ", "Goedendag, ", "Geachte medewerker, ",
            "Beste mensen, "]
F_CONTEXT = [
    "Dit speelt al enkele weken.", "Meerdere buurtbewoners kunnen dit bevestigen.",
    "Ik heb dit eerder gemeld, maar er is nog niets veranderd.", "Ik heb foto's die ik kan nasturen.",
    "Het gaat om een terugkerend probleem.", "Ik woon hier al twintig jaar en zo erg is het nog nooit geweest.",
    "Ik hoop dat dit bij de juiste afdeling terechtkomt.",
]
F_SUFFIX = [
    "Met vriendelijke groet, J. de Vries", "Met vriendelijke groet, een bezorgde bewoner",
    "Bij voorbaat dank voor uw reactie.", "Ik hoop dat u hier actie op onderneemt.",
    "Ik ben bereikbaar voor nadere informatie.", "Met vriendelijke groet, M. Bakker",
    "Hoogachtend, P. Jansen", "Met vriendelijke groet, familie El Amrani", "Groet, Kees",
]

# Reporter roles (the __role__ token) and their weights.
ROLES_DEFAULT = [("resident", 75), ("entrepreneur", 6), ("staff", 9), ("unspecified", 10)]
ROLES_BUSINESS = [("resident", 40), ("entrepreneur", 45), ("staff", 8), ("unspecified", 7)]
ROLES_OWNER = [("entrepreneur", 70), ("resident", 12), ("staff", 8), ("unspecified", 10)]
ROLES_STAFF = [("resident", 55), ("entrepreneur", 5), ("staff", 30), ("unspecified", 10)]

# What reporters pick when nothing fits ("" = no category token given: __cat__none).
GENERIC_CATEGORIES = [
    "", "signalen.overig.overig", "signalen.overig.overige-dienstverlening",
    "signalen.overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen",
    "signalen.overlast-in-de-openbare-ruimte.overig-openbare-ruimte",
]

# ---------------------------------------------------------------------------------------------
# Seed units from data/categories: OTHER and LIVEABILITY examples from the public-space tables.
# {item} is the lower-cased Signalen sub-category name or BOR-MELD item text.

SEED_WRAPPERS = [
    ("n", "{item_cap} {loc}."),
    ("n", "{item_cap} {loc}, graag oplossen."),
    ("w", "{item} {loc}"),
    ("w", "{item} bij ons {loc}, al [dagen|weken|een tijd]"),
    ("n", "Melding over {item} {loc}."),
    ("f", "Hierbij meld ik het volgende: {item} {loc}. Graag zou ik zien dat dit wordt opgepakt."),
    ("n", "Probleem: {item}. Locatie: {straat} {nr}."),
    ("w", "{item} hier {loc} kan iemand kijken"),
    ("n", "{item_cap}, {straat} ter hoogte van nummer {nr}."),
]
SEED_SKIP = {
    # Test or catch-all categories without a meaningful name.
    "signalen.overig.overig", "signalen.overig.overige-dienstverlening",
    "signalen.overlast-in-de-openbare-ruimte.overig-openbare-ruimte",
    "signalen.overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen",
    "signalen.wegen-verkeer-straatmeubilair.overig-wegen-verkeer-straatmeubilair",
    "signalen.openbaar-groen-en-water.overig-groen-en-water",
    "signalen.overlast-bedrijven-en-horeca.overig-horecabedrijven",
    "signalen.afval.overig-afval", "signalen.wonen.wonen-overig",
    "signalen.overlast-op-het-water.overig-boten",
    # The name alone says nothing about what is wrong (nuisance or crowd safety).
    "signalen.overlast-in-de-openbare-ruimte.markten",
}
# Seed items whose table-derived label contradicts the rules in data/corpus/README.md.
SEED_THEME_OVERRIDES = {
    "Geluidsoverlast door huisdier": "LIVEABILITY",  # neighbour nuisance, not a pest
}

# ---------------------------------------------------------------------------------------------
# Topics. "cats": categories a reporter would pick; "confusable": plausible wrong picks.


def topic(theme, name, cats, templates, confusable=(), roles=ROLES_DEFAULT, slots=None):
    return {"theme": theme, "name": name, "cats": list(cats), "confusable": list(confusable),
            "roles": roles, "slots": slots or {}, "templates": templates}


S = "signalen."
LIV, YTH, SUB, PB, OTH = "LIVEABILITY", "YOUTH", "SUBVERSION", "PHYSICAL_BUSINESS", "OTHER"

TOPICS = [
    # ======================================= LIVEABILITY =======================================
    topic(LIV, "woninginbraak", ["inbraak-woning"], confusable=["verdachte-persoon-bij-woning", "inbraak-bedrijf"], templates=[
        ("w", "er is ingebroken bij {wie} {loc}!! [achterdeur|voordeur|keukenraam|schuurdeur] is opengebroken"),
        ("w", "inbraak {tijd} bij {wie}, hele huis overhoop gehaald. politie is al geweest"),
        ("n", "Bij thuiskomst zagen we dat er is ingebroken. [Het slot van de voordeur|Het raam aan de achterkant|De balkondeur] is geforceerd en [sieraden|een laptop|geld en sieraden] zijn weg. Adres {straat} {nr}."),
        ("f", "Graag meld ik een inbraak in onze woning aan de {straat}. {tijd_cap} is via de tuin [het achterraam|de achterdeur] geforceerd. Er is aangifte gedaan bij de politie, maar ik wil de gemeente ook op de hoogte brengen omdat er meer inbraken in {buurt} lijken te zijn."),
        ("n", "Poging tot inbraak {loc}: braakschade aan de [voordeur|achterdeur|kozijnen], ze zijn er niet in gekomen."),
        ("w", "alweer een inbraak in {buurt}, 3e deze maand. buren zijn beroofd terwijl ze op vakantie waren"),
        ("f", "{tijd_cap} hoorden wij glasgerinkel bij de buren op nummer {nr}. Toen wij keken was het raam ingeslagen en renden [twee personen|een man in het zwart] weg richting de {straat}."),
        ("n", "Bergingen in de onderdoorgang {loc} zijn opengebroken, meerdere boxen geforceerd."),
        ("w", "ingebroken in de garagebox achter de {straat}, alles weg wtf"),
        ("n", "Inbrekers zijn via het dakraam van de schuur binnengekomen {loc}, de hele woning is doorzocht."),
    ]),
    topic(LIV, "verdachte-persoon-woning", ["verdachte-persoon-bij-woning"], confusable=["inbraak-woning", "verdacht-voertuig"], templates=[
        ("w", "{persoon} loopt al 20 min door de achterpaden {loc} en voelt aan de poortjes"),
        ("w", "verdacht: man belt overal aan in {buurt} en zegt dat hij van de [energieleverancier|thuiszorg|waterleiding] is, vertrouw het niet"),
        ("n", "{persoon} kijkt bij woningen naar binnen {loc} en maakt foto's van de huizen."),
        ("f", "Ik wil een verdachte situatie melden. {tijd_cap} liep {persoon} meerdere keren langs de woningen aan de {straat} en probeerde bij nummer {nr} de deurklink. Toen ik naar buiten kwam liep hij snel weg."),
        ("w", "er staat iemand bij de buren in de tuin te loeren en ze zijn niet thuis!! {loc}"),
        ("n", "Babbeltruc? Twee mannen aan de deur bij een oudere buurvrouw {loc}, ze wilden binnenkomen om de meterkast te controleren."),
        ("w", "gast met zaklamp in de achtertuinen {loc}, zojuist gezien"),
        ("f", "Al enkele avonden zien wij [een man|twee personen] met een rugzak die de portiekdeuren van de flats aan de {straat} proberen. Zij lijken te kijken welke woningen leeg staan."),
        ("n", "Onbekende man zet krijtstreepjes en stickertjes bij de voordeuren {loc}, alsof hij huizen markeert."),
    ]),
    topic(LIV, "auto-inbraak", ["auto-inbraak"], confusable=["verdacht-voertuig", "vandalisme"], templates=[
        ("w", "ruit van mijn auto ingeslagen {loc}, [navigatie|airbag|tas van de achterbank|laptop] weg"),
        ("w", "{tijd} weer autos opengebroken in de {straat}, overal glas op straat"),
        ("n", "Bij [drie|meerdere|twee] geparkeerde auto's {loc} zijn {tijd} de ruiten ingeslagen en is er uit de auto's gestolen."),
        ("f", "Hierbij meld ik een inbraak in mijn auto, die geparkeerd stond aan de {straat}. Het portierslot is geforceerd en het dashboard is gesloopt. Ik vermoed dat ze het op de [airbag|navigatie|stuurwiel] gemunt hadden."),
        ("w", "{persoon} loopt langs de autos en trekt aan alle portieren {loc}"),
        ("n", "Katalysator onder mijn auto vandaan gezaagd {tijd}, {loc}. De buurman heeft hetzelfde gehad."),
        ("w", "busje van mijn werk opengebroken {loc}, al het gereedschap gestolen"),
        ("n", "Kentekenplaten van mijn auto gestolen {loc}, ik ontdekte het {tijd}."),
    ]),
    topic(LIV, "fietsdiefstal", ["fietsdiefstal"], confusable=["verdacht-voertuig", "zakkenroller"], templates=[
        ("w", "mijn fiets is gestolen bij {plek_station}, slot [doorgeknipt|gewoon open gebroken]"),
        ("w", "e-bike gestolen uit de schuur {loc}!!"),
        ("n", "{persoon} knipt {tijd} sloten door bij het fietsenrek {loc}."),
        ("f", "Ik wil melden dat mijn [elektrische fiets|bakfiets|fiets] {tijd} is gestolen bij {plek_station}. Er liggen daar de laatste tijd veel doorgeknipte sloten."),
        ("w", "overal doorgeknipte sloten bij de stalling {loc}, wordt hier structureel gestolen"),
        ("n", "Scooter van mijn zoon gestolen, hij stond op slot voor de deur {loc}."),
        ("n", "Fiets van mijn dochter gestolen bij de sporthal, het [slot|kettingslot] lag doorgeknipt ernaast."),
        ("w", "man met bakfiets laadt fietsen in bij de flat {loc}, volgens mij niet van hem"),
    ]),
    topic(LIV, "vandalisme", ["vandalisme", S + "schoon.graffitiwildplak"], confusable=[S + "wegen-verkeer-straatmeubilair.straatmeubilair"], templates=[
        ("w", "bushokje {loc} weer helemaal kapot gegooid, overal glas"),
        ("n", "{tijd_cap} zijn de [spiegels|banden|ruitenwissers] van meerdere auto's {loc} vernield."),
        ("f", "Graag meld ik vernielingen aan [de speeltuin|het hek van het park|de bankjes] {loc}. Het lijkt opzettelijk: [planken zijn eruit getrapt|de glijbaan is beklad en bewerkt met een mes|een bank is uit de grond getrokken]."),
        ("w", "iemand heeft mijn autobanden lek gestoken {loc}"),
        ("n", "Graffiti en tags op de gevels {loc}, er komt elke week meer bij."),
        ("w", "ruit van het buurthuis ingegooid {tijd}"),
        ("n", "Bloembakken {loc} omgegooid en planten eruit getrokken, al de [2e|3e] keer deze maand."),
        ("n", "Iemand heeft met een sleutel krassen over de hele zijkant van mijn auto gezet {loc}."),
        ("w", "brievenbussen van de flat {loc} opengebroken en vernield"),
    ]),
    topic(LIV, "geluidsoverlast", [S + "overlast-bedrijven-en-horeca.geluidsoverlast-muziek", S + "overlast-in-de-openbare-ruimte.stank-geluidsoverlast"], confusable=[S + "overlast-bedrijven-en-horeca.geluidsoverlast-installaties"], templates=[
        ("w", "buren hebben weer feest, muziek keihard en het is {uur} uur 's nachts"),
        ("n", "Elke nacht harde muziek en geschreeuw uit de woning boven ons {loc}."),
        ("f", "Sinds enkele weken ondervinden wij ernstige geluidsoverlast van [de bovenburen|de buren op nummer {nr}|een woning verderop]. Er wordt tot diep in de nacht harde muziek gedraaid en er wordt geschreeuwd. Aanspreken heeft niet geholpen."),
        ("w", "wtf die bassen van {horeca} {loc}, ik kan niet slapen"),
        ("n", "Blaffende hond van de buren is de hele dag alleen thuis, janken en blaffen van 8 tot 6 {loc}."),
        ("w", "iemand staat met een speaker op het balkon {loc} keihard te draaien"),
        ("n", "Overlast van een [installatie|airco|afzuiginstallatie] van {horeca}, de hele nacht gebrom {loc}."),
        ("w", "auto met open ramen en harde muziek rijdt elke avond rondjes door {buurt}"),
        ("f", "Wij ondervinden al maanden overlast van de buren, die tot laat in de nacht klussen en boren. Ook in het weekend begint het om zeven uur 's ochtends."),
    ]),
    topic(LIV, "afval-dumpen", [S + "afval.grofvuil", S + "afval.container-bijplaatsing", S + "afval.huisafval", S + "afval.puin-sloopafval"], confusable=[S + "afval.container-is-vol", "drugsafval"], templates=[
        ("w", "iemand heeft een hele bank en matras gedumpt naast de container {loc}"),
        ("n", "Vuilniszakken naast de ondergrondse container {loc}, het ligt er al [3 dagen|een week] en meeuwen trekken alles open."),
        ("f", "Op de hoek van de {straat} wordt structureel afval gedumpt: [bouwafval|oude meubels|koelkasten en matrassen]. Volgens buurtbewoners gebeurt dit 's avonds met een busje."),
        ("w", "weer zakken puin gedumpt in het groen {loc} ff kijken aub"),
        ("n", "Wasmachine en een oude koelkast op de stoep gezet {loc}, niet aangemeld als grofvuil."),
        ("w", "busje stopt en gooit afval in de bosjes {loc}, kenteken heb ik"),
        ("f", "Naast de glasbak {loc} ligt al geruime tijd een berg afval, waaronder [kapotte stoelen|dozen en plastic|tuinafval]. Het trekt ratten aan en het ziet er verwaarloosd uit."),
        ("n", "Bedrijfsafval van de winkels wordt 's avonds gewoon naast de containers {loc} gezet."),
    ], roles=ROLES_STAFF),
    topic(LIV, "burenruzie", [S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen", "intimidatie"], templates=[
        ("w", "buurman staat weer te schelden en dreigt mijn auto kapot te maken, dit gaat al maanden zo"),
        ("n", "Burenruzie {loc} loopt uit de hand, er wordt geschreeuwd en met spullen gegooid."),
        ("f", "Ik heb al langere tijd een conflict met mijn buren op nummer {nr}. Zij [gooien afval in onze tuin|blokkeren onze oprit|maken foto's van onze kinderen] en spreken ons agressief aan. Ik zou graag bemiddeling willen."),
        ("w", "buren schreeuwen elke avond tegen elkaar, klinkt echt niet goed, de kinderen huilen"),
        ("n", "Ruzie tussen twee buren {loc} over een parkeerplek, een van hen had een [honkbalknuppel|stok]."),
        ("w", "bovenbuurvrouw bonkt op de vloer en scheldt ons uit als we gewoon normaal praten"),
        ("n", "De buurman gooit steeds hondenpoep over de schutting in onze tuin {loc} en lacht erom."),
    ]),
    topic(LIV, "verward-dronken", ["verward-persoon", S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast", S + "overlast-van-en-door-personen-of-groepen.daklozen-bedelen"], templates=[
        ("w", "dronken man ligt op de stoep {loc}, reageert amper"),
        ("n", "Verwarde vrouw loopt {loc} op straat te schreeuwen en loopt zomaar de weg op."),
        ("f", "Sinds enige tijd zit er dagelijks een man op het bankje {loc} die overmatig alcohol drinkt en voorbijgangers lastigvalt. Hij lijkt verward en hulp nodig te hebben."),
        ("w", "man in de war klopt bij iedereen aan {loc}, praat tegen zichzelf"),
        ("w", "zwerver slaapt in het portiek {loc} en heeft er ook gepoept"),
        ("n", "Een man onder invloed van drugs zwalkt over het {plein} en scheldt mensen uit."),
        ("n", "Oudere man zonder jas dwaalt {tijd} door {buurt}, weet niet waar hij woont."),
        ("w", "gast loopt te bedelen bij de pinautomaat {loc} en wordt agressief als je nee zegt"),
    ], roles=ROLES_STAFF),
    topic(LIV, "intimidatie", ["intimidatie"], confusable=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen"], templates=[
        ("w", "man roept vieze dingen naar meisjes die langs lopen {loc}"),
        ("n", "Ik word op weg naar huis al [dagen|een week] gevolgd door dezelfde man {loc}."),
        ("f", "Ik wil melding maken van straatintimidatie {loc}. Een groep mannen van middelbare leeftijd [fluit vrouwen na|maakt seksueel getinte opmerkingen|blokkeert de stoep] bij de ingang van de [flat|portiek]."),
        ("w", "buurman bedreigt mijn vrouw steeds als ze langs loopt, zegt dat hij ons wel te pakken krijgt"),
        ("n", "Iemand heeft een racistische tekst op onze voordeur gekalkt {loc}."),
        ("w", "vent met hond scheldt iedereen uit in het park {loc}, mensen durven er niet meer langs"),
        ("n", "Man in een auto spreekt {tijd} vrouwen aan bij de bushalte {loc} en wil dat ze instappen."),
    ]),
    topic(LIV, "loslopende-honden", [S + "overlast-van-en-door-personen-of-groepen.loslopende-agressieve-honden"], templates=[
        ("w", "grote hond loopt los {loc} en vliegt op kinderen af"),
        ("n", "Mijn hond is gebeten door een loslopende [pitbull|staffordshire|herder] {loc}, de eigenaar liep gewoon door."),
        ("f", "In het park {loc} laten meerdere eigenaren hun honden loslopen buiten het losloopgebied. {tijd_cap} is mijn dochter omver gelopen door een grote hond."),
        ("w", "agressieve hond van de buren springt steeds over het hek {loc}"),
        ("n", "Hondenbezitter laat zijn hond zonder riem en muilkorf lopen, de hond heeft al twee keer iemand gebeten {loc}."),
        ("w", "2 honden zonder baasje rennen over de weg {loc}, bijna aangereden"),
    ]),
    topic(LIV, "hardrijden", ["hardrijden-woonwijk", S + "wegen-verkeer-straatmeubilair.verkeersoverlast"], confusable=["gevaarlijk-verkeer-winkelgebied", "intimiderende-jongeren-scooter"], templates=[
        ("w", "er wordt echt veel te hard gereden in de {straat}, straks gebeurt er een ongeluk met de kids"),
        ("n", "Auto's racen elke avond door de woonstraat {loc}, ruim 80 waar 30 is."),
        ("f", "Namens de bewoners van de {straat} wil ik aandacht vragen voor de snelheid van het verkeer. Er wordt stelselmatig te hard gereden, terwijl hier veel kinderen spelen. Wij verzoeken om handhaving of drempels."),
        ("w", "motoren scheuren {tijd} met 100 door {buurt}"),
        ("n", "Sluipverkeer door de {straat} rijdt veel te hard, vanochtend werd bijna een kind op de fiets geschept."),
        ("w", "{kleur} {auto} scheurt elke nacht door de wijk {loc}, kenteken begint met [G|K|X]"),
        ("n", "Automobilisten rijden door rood bij de oversteek naar de basisschool {loc}."),
    ]),
    topic(LIV, "verdacht-voertuig", ["verdacht-voertuig"], confusable=["verdachte-persoon-bij-woning", "drugshandel"], templates=[
        ("w", "busje zonder ramen staat al uren {loc} met 2 mannen erin"),
        ("n", "Een {kleur} auto rijdt al een uur rondjes door {buurt} en stopt steeds bij [de garageboxen|de achterpaden]."),
        ("f", "Sinds enkele dagen staat er een auto met buitenlands kenteken {loc}. Er zitten regelmatig personen in die de omgeving lijken te observeren."),
        ("w", "auto met gedoofde lichten rijdt langzaam door de straat {loc}, ze kijken bij alle huizen naar binnen"),
        ("n", "{kleur} {auto} met draaiende motor voor de school {loc}, man maakt foto's van de woningen."),
    ]),
    topic(LIV, "overige-buurt", [S + "overlast-van-en-door-personen-of-groepen.wildplassen-poepen-overgeven", S + "schoon.uitwerpselen", S + "overlast-in-de-openbare-ruimte.parkeeroverlast"], templates=[
        ("w", "elke ochtend hondenpoep voor onze deur {loc}, eigenaar ruimt niks op"),
        ("n", "Mensen plassen tegen de gevel van ons huis {loc} na het stappen."),
        ("w", "bestelbusjes parkeren de hele stoep vol {loc}, met de rolstoel kan ik er niet langs"),
        ("n", "Caravan en aanhanger staan al maanden op de parkeerplaats {loc}, bewoners kunnen nergens parkeren."),
        ("f", "In de {straat} wordt structureel op de stoep en in de bocht geparkeerd. De vuilniswagen en de brandweer kunnen er nauwelijks door."),
    ]),
    # Hard cases labelled LIVEABILITY.
    topic(LIV, "hard-dronken-horeca", [S + "overlast-bedrijven-en-horeca.overlast-door-bezoekers-niet-op-terras"], confusable=["nooduitgang-geblokkeerd", "hangjongeren"], templates=[
        ("n", "Groep dronken mannen bij {horeca} {loc}, na sluitingstijd geschreeuw en wildplassen."),
        ("w", "bezoekers van de kroeg {loc} staan elke vrijdag tot 3 uur te brullen op straat"),
        ("f", "Na sluitingstijd van de horeca aan de {straat} ontstaan er regelmatig ruzies tussen beschonken bezoekers op straat. Bewoners worden wakker van het geschreeuw en vinden 's ochtends glas en braaksel."),
        ("w", "weer vechtende dronken kerels voor {horeca} {loc}, iemand bloedt"),
    ]),
    topic(LIV, "hard-vuurwerk-lawaai", [S + "overlast-van-en-door-personen-of-groepen.overlast-door-afsteken-vuurwerk"], confusable=["vuurwerk-naar-mensen"], templates=[
        ("w", "al de hele week knallen {loc}, de honden worden gek"),
        ("n", "Iemand steekt elke avond zwaar vuurwerk af in de speeltuin {loc}, het dreunt door de huizen."),
        ("f", "Ondanks het vuurwerkverbod wordt er in {buurt} al weken dagelijks vuurwerk afgestoken. Er wordt niemand geraakt, maar de knallen zijn zeer hinderlijk voor ouderen en huisdieren."),
        ("w", "wie steekt er om 2 uur snachts nog vuurpijlen af {loc}"),
    ]),
    topic(LIV, "hard-fietsendief-jongemannen", ["fietsdiefstal"], confusable=["hangjongeren"], templates=[
        ("w", "2 jongens met een kniptang bij de fietsen op het {plein}, gaat nu gebeuren"),
        ("n", "Twee jongemannen proberen {tijd} fietsen los te breken bij de stalling {loc}."),
        ("w", "jongen met capuchon probeert e-bikes open te krijgen bij {plek_station}"),
    ]),
    topic(LIV, "hard-asbest-dumping", [S + "afval.asbest-accu", S + "afval.puin-sloopafval"], confusable=["drugsafval"], templates=[
        ("n", "Golfplaten die op asbest lijken zijn gedumpt {loc}, er lopen kinderen langs."),
        ("w", "iemand heeft autoaccu's en oude verfblikken gedumpt {loc}"),
        ("f", "Langs het fietspad {loc} zijn zakken met isolatiemateriaal en plaatmateriaal achtergelaten, mogelijk asbest van een verbouwing."),
        ("w", "jerrycans met oude olie van iemand die aan zijn auto klust, gewoon in de berm gegooid {loc}"),
    ]),
    topic(LIV, "hard-container-brand", ["vandalisme", S + "afval.container-is-kapot"], confusable=["brandgevaar"], templates=[
        ("w", "weer een container in de fik gestoken {loc}"),
        ("n", "Prullenbakken {loc} zijn {tijd} in brand gestoken, de brandweer is geweest."),
        ("f", "Voor de derde keer deze maand is de afvalcontainer {loc} in brand gestoken. Wij vermoeden dat dit opzet is."),
    ]),

    # ========================================== YOUTH ==========================================
    topic(YTH, "hangjongeren", ["hangjongeren", S + "overlast-van-en-door-personen-of-groepen.jongerenoverlast"], confusable=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen"], templates=[
        ("w", "groep jongeren hangt weer bij {plek_jeugd}, schreeuwen en troep overal"),
        ("w", "elke avond hangjongeren in het portiek {loc} ze blowen en laten alles liggen"),
        ("n", "Een groep van ongeveer {n2} jongeren hangt dagelijks rond bij {plek_jeugd} en valt voorbijgangers lastig."),
        ("f", "Als bewoners van de {straat} ondervinden wij al maanden overlast van een groep jongeren die zich 's avonds verzamelt bij {plek_jeugd}. Er wordt harde muziek gedraaid, er wordt geschreeuwd en bewoners worden uitgescholden wanneer zij er iets van zeggen."),
        ("w", "jongeren zitten op de glijbaan in de speeltuin {loc} tot 2 uur 's nachts, zuipen en schreeuwen"),
        ("w", "gastjes van 14/15 bij het {plein} gooien met flessen"),
        ("n", "Hanggroep bij de sporthal {loc}, [rommel|glas|lege blikjes] en geluidsoverlast tot laat."),
        ("w", "die jongens bij de snackbar {loc} weer, intimideren iedereen die langs loopt"),
        ("n", "Tieners zitten elke avond in de bosjes achter de flat {loc} met harde muziek en scooters."),
        ("f", "Rond het jongerencentrum in {buurt} blijft een groep tieners tot na middernacht hangen. Omwonenden voelen zich niet meer veilig als zij 's avonds hun hond uitlaten."),
    ]),
    topic(YTH, "scooters-intimidatie", ["intimiderende-jongeren-scooter"], confusable=["hardrijden-woonwijk", S + "wegen-verkeer-straatmeubilair.verkeersoverlast"], templates=[
        ("w", "jongens op scooters rijden rondjes {loc} en snijden mensen af"),
        ("n", "Jongeren op brommers blokkeren {tijd} de weg {loc} en roepen naar voorbijgangers."),
        ("f", "Ik wil melding maken van jongeren die met scooters door het park {loc} rijden. Zij rijden met hoge snelheid over de voetpaden en intimideren wandelaars en ouders met kinderen."),
        ("w", "scooterjochies racen over de stoep bij {plek_jeugd}, bijna mijn zoontje aangereden"),
        ("n", "Groepje tieners op fatbikes rijdt {loc} in op voetgangers en lacht erom."),
        ("w", "elke avond scooters met 3 man erop die rondjes rijden {loc} en ons uitschelden"),
        ("n", "Jongeren op een scooter reden op mij af en remden pas op het laatste moment, daarna werd ik uitgelachen {loc}."),
        ("w", "pubers op fatbikes doen wheelies tussen de auto's {loc} en schoppen tegen spiegels"),
    ]),
    topic(YTH, "vechtpartij", ["vechtpartij-jongeren"], confusable=["intimidatie"], templates=[
        ("w", "vechtpartij tussen jongeren {loc} NU, wel 10 man"),
        ("n", "Bij {plek_jeugd} was {tijd} een gevecht tussen twee groepen jongeren, iemand lag op de grond."),
        ("f", "Gisteren na schooltijd heb ik gezien dat een groep scholieren een jongen in elkaar sloeg {loc}. Andere jongeren stonden eromheen te filmen met hun telefoon."),
        ("w", "er is weer een vechtpartij afgesproken bij {plek_jeugd} vanavond, staat op snapchat"),
        ("n", "Jongens van een jaar of 15 dagen elkaar uit tot een gevecht {loc}, het wordt gefilmd voor [TikTok|Snapchat|Instagram]."),
        ("w", "jongens aan het knokken bij de bushalte {loc}, volgens mij had er een een mes"),
        ("n", "Meisjes van de middelbare school vechten op het schoolplein {loc}, de rest staat te joelen."),
    ]),
    topic(YTH, "lachgas", ["lachgas-drugs-jongeren"], confusable=[S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast", "drugsafval"], templates=[
        ("w", "overal lachgas patronen en ballonnen {loc}, jongeren zitten hier elke avond"),
        ("n", "Jongeren gebruiken lachgas in een auto {loc}, grote tanks op de achterbank."),
        ("f", "In de omgeving van {plek_jeugd} worden dagelijks lachgascilinders en ballonnen aangetroffen. Het gebruik vindt plaats door jongeren die 's avonds in geparkeerde auto's zitten."),
        ("w", "gasten met lachgasballonnen bij het speelveldje {loc}, en maar lachen en schreeuwen"),
        ("n", "Lege lachgasflessen in de bosjes bij [de school|het sportpark|het speelveld] {loc}."),
        ("w", "jongen van 16 reed onder invloed van lachgas tegen een paal {loc}, vrienden hadden nog een tank bij zich"),
    ]),
    topic(YTH, "drugs-alcohol-jongeren", ["lachgas-drugs-jongeren", "hangjongeren"], confusable=[S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast"], templates=[
        ("w", "jongens zitten te blowen op het schoolplein {loc} waar kleine kinderen spelen"),
        ("n", "Minderjarigen drinken alcohol in het park {loc}, een meisje was al [onwel|aan het overgeven]."),
        ("f", "Rondom [het skatepark|het voetbalveld|het jongerencentrum] {loc} wordt door tieners openlijk geblowd en alcohol gedronken. Ik maak mij zorgen, omdat het om kinderen van 13 of 14 jaar gaat."),
        ("w", "pubers zitten te zuipen onder de brug {loc} en gooien de flessen kapot"),
        ("n", "Groep scholieren rookt wiet in de fietsenstalling van [de school|het zwembad] {loc}."),
        ("w", "kinderen van een jaar of 13 met blikjes bier en vapes in de speeltuin {loc}"),
    ]),
    topic(YTH, "vuurwerk-naar-mensen", ["vuurwerk-naar-mensen"], confusable=[S + "overlast-van-en-door-personen-of-groepen.overlast-door-afsteken-vuurwerk"], templates=[
        ("w", "jongeren gooien vuurwerk naar voorbijgangers {loc}!!"),
        ("n", "Er werd een [cobra|vuurwerkbom|nitraat] naar onze hond gegooid door een groep jongens {loc}."),
        ("f", "Afgelopen avond hebben jongeren vuurwerk in de brievenbus van [onze woning|een buurtbewoner] gestoken {loc}. Er is schade en mijn kinderen zijn erg geschrokken."),
        ("w", "ze schieten vuurpijlen op de auto's en op mensen {loc} echt gevaarlijk"),
        ("n", "Jongens gooien zwaar vuurwerk naar de bus bij de halte {loc}."),
        ("w", "kids gooien strijkers naar oude mensen bij het {plein}"),
        ("n", "Tieners richten vuurwerk op de hulpverleners en de brandweer {loc}."),
    ]),
    topic(YTH, "pesten-bedreigen", ["intimidatie", "hangjongeren"], confusable=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen"], templates=[
        ("w", "mijn zoon wordt elke dag na school opgewacht en bedreigd door een paar jongens uit zijn klas"),
        ("n", "Kinderen uit de buurt pesten een gehandicapte buurman {loc}, schelden hem uit en bellen steeds aan."),
        ("f", "Mijn dochter van 12 wordt op weg van school {loc} structureel lastiggevallen door een groep oudere jongeren. Zij nemen haar telefoon af en dreigen haar te slaan."),
        ("w", "jongeren bedreigen de conciërge van de school {loc}, zeggen dat ze hem gaan pakken"),
        ("n", "Groep tieners gooit eieren tegen de ramen van een oudere bewoonster {loc} en lacht haar uit."),
        ("w", "gastjes maken filmpjes van een jongen die ze pesten en zetten het online, gebeurde bij {plek_jeugd}"),
        ("n", "Een groepje kinderen van een jaar of 12 scheldt de buschauffeur uit en spuugt naar hem {loc}."),
    ]),
    topic(YTH, "stenen-gooien", ["hangjongeren", S + "overlast-van-en-door-personen-of-groepen.jongerenoverlast"], templates=[
        ("w", "kinderen gooien stenen naar de treinen bij het spoor achter {buurt}"),
        ("n", "Jongeren bekogelen auto's met eieren en stenen vanaf het viaduct {loc}."),
        ("w", "jochies klimmen op het dak van de gymzaal {loc} en gooien dakpannen naar beneden"),
        ("f", "Een groep jongens van een jaar of veertien gooit regelmatig met stenen naar de ramen van de woningen aan de {straat}. Er is al een ruit gesneuveld."),
    ]),
    # Hard cases labelled YOUTH.
    topic(YTH, "hard-jongeren-bij-winkel", ["hangjongeren"], confusable=["winkeldiefstal", "intimidatie"], roles=ROLES_OWNER, templates=[
        ("n", "Jeugd hangt rond bij de ingang van het winkelcentrum {loc} en klanten durven er niet langs."),
        ("w", "jongeren hangen voor mijn zaak {loc}, klanten durven niet naar binnen"),
        ("f", "Als ondernemer {loc} heb ik elke middag last van een groep scholieren voor de deur. Zij blokkeren de ingang en schelden klanten uit, maar er wordt niets gestolen."),
        ("w", "weer die groep pubers voor {winkel}, ze zitten op de fietsen van klanten en roepen dingen"),
        ("n", "Scholieren hangen in de pauze met een grote groep voor de supermarkt {loc} en duwen klanten opzij."),
    ]),
    topic(YTH, "hard-jeugd-vernieling", ["vandalisme", "hangjongeren"], confusable=[S + "wegen-verkeer-straatmeubilair.speelplaats"], templates=[
        ("w", "groep jongeren trapt de verlichting van het speelveldje kapot {loc}"),
        ("n", "Jongeren slopen de bankjes bij {plek_jeugd} en gooien stenen naar de ramen van de gymzaal."),
        ("f", "Een groep jongeren vernielt al weken het bushokje en de fietsenrekken {loc}. Bewoners die hen aanspreken, worden bedreigd."),
        ("w", "hangjongeren hebben de prullenbakken bij de skatebaan {loc} weer gesloopt"),
        ("n", "Tieners bekladden de muren van het speeltuinhuisje {loc} en trappen de deur in."),
    ]),

    # ======================================== SUBVERSION =======================================
    topic(SUB, "hennepteelt", ["hennepteelt-signalen", S + "wonen.wonen-ondermijning"], confusable=[S + "ondermijning.vermoeden", S + "overlast-bedrijven-en-horeca.stankoverlast"], templates=[
        ("w", "sterke wietlucht uit de woning {loc}, ramen altijd afgeplakt"),
        ("n", "Op het dak van nummer {nr} {loc} smelt de sneeuw als eerste en je hoort constant gezoem van apparatuur."),
        ("f", "Ik vermoed dat er in de woning naast ons een hennepkwekerij zit. De ramen zijn afgeplakt met folie, er komt 's nachts warme lucht uit de schoorsteen en de bewoners komen alleen 's avonds laat kort langs met tassen."),
        ("w", "buren hebben de hele zolder dichtgetimmerd en het ruikt naar wiet, ook stroom aangetakt ofzo?"),
        ("n", "Garagebox {loc} waar steeds [potgrond|zakken met aarde|lampen en ventilatoren] naar binnen gaan, met een sterke lucht."),
        ("w", "bedrijfsunit {loc_ind}, dag en nacht gezoem en lucht van hennep"),
        ("n", "Woning {loc} staat officieel leeg maar er brandt dag en nacht fel licht achter afgeplakte ramen."),
        ("f", "Bij de woning op nummer {nr} aan de {straat} worden regelmatig grote zakken potgrond en lege plantenbakken naar binnen gedragen. De gordijnen zijn altijd dicht en er hangt een zoete, zware geur."),
    ]),
    topic(SUB, "drugshandel", ["drugshandel"], confusable=[S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast", "verdacht-voertuig"], templates=[
        ("w", "jongen op scooter deelt zakjes uit bij {plek_sub}, elke dag rond {uur} uur"),
        ("n", "Er wordt gedeald {loc}: korte overdrachten, geld en een zakje, steeds andere kopers."),
        ("f", "Ik wil melding maken van vermoedelijke drugshandel {loc}. Dagelijks stopt er een auto waar mensen kort instappen en na een rondje weer uitstappen. Dit gebeurt tientallen keren per dag."),
        ("w", "dealer staat weer bij de bushalte {loc}, iedereen weet het"),
        ("n", "Bij het {plein} worden 's avonds drugs verkocht vanuit een geparkeerde auto."),
        ("w", "coke taxi rijdt af en aan in de {straat}, scooter stopt overal ff en is weer weg"),
        ("n", "Man verkoopt wiet en pillen vanuit zijn woning {loc}, er staat steeds iemand voor de deur."),
        ("w", "ze verkopen gewoon coke in de parkeergarage {loc}, overdracht door het autoraam"),
    ]),
    topic(SUB, "korte-bezoekjes", [S + "ondermijning.vermoeden", "drugshandel"], confusable=["verdacht-voertuig", "verdachte-persoon-bij-woning"], templates=[
        ("w", "bij nr {nr} komen de hele nacht mensen 5 minuten binnen en weer weg"),
        ("n", "Steeds andere auto's stoppen kort voor een woning {loc}, iemand loopt naar buiten, geeft iets af en gaat weer naar binnen."),
        ("f", "Bij de woning op nummer {nr} aan de {straat} is sprake van opvallend veel aanloop: per avond komen er tientallen bezoekers die nooit langer dan een paar minuten blijven. Wij vermoeden dat hier drugs worden verkocht."),
        ("w", "busjes met buitenlandse kentekens komen 's nachts lossen bij een loods {loc_ind}, paar minuten en weg"),
        ("n", "Flat {loc}: veel onbekende mensen naar dezelfde woning, vooral 's nachts, telkens heel kort."),
        ("w", "aanloop bij de bovenwoning {loc} is niet normaal, elke 10 min iemand aan de deur en meteen weer weg"),
    ]),
    topic(SUB, "drugsafval", ["drugsafval"], confusable=[S + "afval.asbest-accu", S + "overlast-in-de-openbare-ruimte.lozing-dumping-bodemverontreiniging"], templates=[
        ("w", "blauwe vaten gedumpt {loc}, ruikt naar anijs, niet aangeraakt"),
        ("n", "Jerrycans met een chemische lucht gevonden in de berm {loc}, mogelijk drugsafval."),
        ("f", "Tijdens het wandelen trof ik in de duinen bij Wijk aan Zee een aantal gedumpte vaten en plastic zakken aan. Er komt een scherpe, chemische lucht vanaf en de grond eromheen is verkleurd."),
        ("w", "aanhanger met jerrycans achtergelaten {loc_ind}, stinkt enorm chemisch"),
        ("n", "In de sloot {loc} drijven zakken met een witte substantie en er liggen lege vaten."),
        ("w", "vaten met gele vloeistof en een lucht van anijs achter de loods {loc_ind}, mijn ogen prikken ervan"),
    ]),
    topic(SUB, "dekmantel", ["verdacht-bedrijf"], confusable=[S + "overlast-bedrijven-en-horeca.overig-horecabedrijven"], roles=ROLES_BUSINESS, templates=[
        ("w", "die nieuwe [kapper|barbershop|nagelstudio|belwinkel] {loc} heeft nooit klanten maar zit er al een jaar"),
        ("n", "Een [autowasstraat|minimarkt|telefoonwinkel] {loc} is zelden open, toch rijden er steeds dure auto's voor en wordt er alleen contant betaald."),
        ("f", "Het pand aan de {straat} wisselt al voor de derde keer in twee jaar van eigenaar en van soort winkel. Er zijn vrijwel nooit klanten, de ramen zijn afgeplakt en er komen 's nachts mensen binnen. Ik vermoed dat dit een dekmantel is."),
        ("w", "wtf er zijn 4 barbershops naast elkaar {loc} en er zit nooit iemand in, witwassen ofzo?"),
        ("n", "Panden {loc} worden contant opgekocht door steeds dezelfde persoon en blijven daarna leeg."),
        ("w", "snoepwinkel {loc} verkoopt bijna niks maar de eigenaar rijdt in een lambo"),
    ]),
    topic(SUB, "mensenhandel-prostitutie", ["mensenhandel-prostitutie"], confusable=[S + "wonen.wonen-ondermijning"], templates=[
        ("w", "steeds andere vrouwen in de woning naast ons {loc} en mannen die 's nachts aanbellen, vermoed prostitutie"),
        ("n", "In een woning {loc} verblijven jonge vrouwen die nooit alleen naar buiten gaan; er komen 's avonds steeds verschillende mannen."),
        ("f", "Ik maak mij zorgen over de arbeiders bij een bedrijf {loc_ind}. Zij worden 's ochtends vroeg in een busje opgehaald, werken lange dagen en lijken hun paspoort te hebben moeten inleveren."),
        ("w", "advertentie voor massage in een gewoon huis {loc}, ramen dicht, mannen in en uit"),
        ("n", "Jong meisje lijkt onder druk te staan van een oudere vriend die haar naar hotels brengt, misschien een loverboy {loc}."),
        ("w", "in de nagelstudio {loc} slapen de meisjes ook, ze mogen nooit naar buiten"),
    ]),
    topic(SUB, "overbewoning", ["overbewoning", S + "wonen.woningdelen-spookburgers"], confusable=[S + "wonen.onderhuur-en-adreskwaliteit"], templates=[
        ("w", "wonen wel 12 arbeidsmigranten in 1 huis {loc}, matrassen overal"),
        ("n", "In de woning op nummer {nr} {loc} wonen minstens [acht|tien|twaalf] mensen, er staan elke ochtend busjes om ze op te halen."),
        ("f", "Ik wil melding maken van vermoedelijke overbewoning en huisjesmelkerij aan de {straat}. Er wonen veel arbeidsmigranten in slechte omstandigheden; de eigenaar verhuurt per bed en de woning is ernstig vervuild."),
        ("w", "op 1 adres {loc} staan 15 mensen ingeschreven maar er woont niemand, spookadres?"),
        ("n", "Huisjesmelker verhuurt kamers {loc} zonder vergunning; de bewoners betalen contant en worden eruit gezet als ze klagen."),
        ("w", "eigenaar van de panden {loc} propt er steeds meer polen en roemenen in, 3 per kamer"),
    ]),
    topic(SUB, "motorclub", ["motorclub"], confusable=["hardrijden-woonwijk"], templates=[
        ("w", "groep motorrijders in clubkleding staat voor het clubhuis {loc_ind}, voelt heel intimiderend"),
        ("n", "Er lijkt een nieuw clubhuis van een motorclub te komen in een loods {loc_ind}. Er hangen colors aan de muur."),
        ("f", "Afgelopen weekend reden ongeveer twintig leden van een motorclub in hesjes met clubemblemen door {buurt}. Zij reden bewust intimiderend langzaam langs een café en een aantal ondernemers."),
        ("w", "bikers met van die hesjes hebben de eigenaar van {horeca} bedreigd"),
        ("n", "Leden van een outlaw motorclub verzamelen zich elk weekend bij een bedrijfspand {loc_ind}, met bewaking voor de deur."),
    ]),
    topic(SUB, "afpersing", ["afpersing-ondernemer"], confusable=["overval", "intimidatie"], roles=ROLES_OWNER, templates=[
        ("w", "er kwamen 2 mannen in mijn zaak die bescherming aanboden voor 500 per maand"),
        ("n", "Ondernemer {loc} wordt onder druk gezet om [zijn pand te verkopen|geld te betalen|spullen op te slaan] door onbekende mannen."),
        ("f", "Als eigenaar van een horecazaak {loc} word ik benaderd door personen die eisen dat ik drugs via mijn zaak laat verkopen. Wanneer ik weiger, dreigen zij met schade aan mijn zaak."),
        ("w", "ze willen dat ik pakketjes opsla in mijn winkel, anders gebeurt er iets. durf geen aangifte te doen"),
        ("n", "Bedreigende brief bij de snackbar {loc} waarin geld wordt geëist."),
        ("w", "collega ondernemer in de {straat} moet betalen om rustig te kunnen werken, hij durft niks te zeggen"),
        ("f", "Bij meerdere ondernemers in de {straat} zijn mannen langs geweest die een maandelijks bedrag eisen. Een collega die weigerde, heeft de volgende dag een ingegooide ruit gehad."),
    ]),
    topic(SUB, "witwassen", [S + "ondermijning.vermoeden"], confusable=["verdacht-bedrijf"], templates=[
        ("w", "buurman werkt niet maar betaalt alles contant, nieuwe mercedes, nieuwe motor, wtf"),
        ("f", "In onze straat wordt een woning verbouwd met contant geld door personen die geen inkomen lijken te hebben. Ook staan er regelmatig dure auto's met wisselende kentekens voor de deur."),
        ("n", "Man {loc} rijdt elke maand in een andere dure auto op buitenlands kenteken en betaalt de aannemer met stapels contant geld."),
        ("w", "iemand koopt hier {loc} alle huizen op met cash, niemand weet wie het is"),
    ]),
    topic(SUB, "woonfraude", [S + "wonen.onderhuur-en-adreskwaliteit"], confusable=[S + "wonen.vakantieverhuur"], templates=[
        ("n", "Sociale huurwoning {loc} wordt illegaal onderverhuurd via internet; de hoofdhuurder woont er al jaren niet."),
        ("w", "op ons adres komt post van mensen die hier nooit gewoond hebben, 6 verschillende namen"),
        ("f", "Ik vermoed adresfraude: op het adres {straat} {nr} worden meerdere personen ingeschreven die er niet wonen. Er komt post voor tientallen verschillende namen."),
        ("w", "huurder van de flat {loc} woont in spanje en verhuurt zijn woning door aan steeds andere mensen"),
    ]),
    topic(SUB, "verdachte-loods", [S + "ondermijning.vermoeden"], confusable=["verdacht-bedrijf", "inbraak-bedrijf"], templates=[
        ("n", "Loods {loc_ind} waar 's nachts busjes in en uit rijden terwijl overdag alles dicht is."),
        ("w", "bedrijfsverzamelgebouw {loc_ind} wordt bewaakt door gasten met honden, overal camera's, geen bord wat voor bedrijf"),
        ("f", "Op het industrieterrein aan de Wijkermeerweg staat een bedrijfsunit waar geen duidelijk bedrijf in zit, maar waar dag en nacht personen af en aan rijden en de ramen geblindeerd zijn."),
        ("w", "container in de loods {loc_ind} wordt elke nacht door andere busjes leeggehaald, alles met afgeplakte kentekens"),
    ]),
    # Hard cases labelled SUBVERSION.
    topic(SUB, "hard-jeugd-drugsrunners", ["drugshandel"], confusable=["hangjongeren", "lachgas-drugs-jongeren"], templates=[
        ("w", "kinderen van 14 worden gebruikt als drugsrunner {loc}, ze rijden op fatbikes af en aan met pakketjes"),
        ("n", "Jongeren op scooters bezorgen drugs in {buurt}; ze halen het op bij een woning {loc} en rijden steeds kort weg."),
        ("f", "Ik zie bij {plek_jeugd} dat een volwassen man jonge jongens geld geeft en hen pakketjes meegeeft. Het lijkt alsof minderjarigen worden ingezet voor drugshandel."),
        ("w", "jongens dealen bij de skatebaan {loc}, verkopen wiet aan andere kinderen"),
        ("n", "Een jongen van een jaar of 19 {loc} rijdt elke week in een andere dure auto, heeft geen baan en verkoopt volgens de buurt drugs."),
    ]),
    topic(SUB, "hard-hennep-brandgevaar", ["hennepteelt-signalen"], confusable=["brandgevaar"], templates=[
        ("f", "In het pand aan de {straat} is volgens mij een wietplantage aanwezig. Er lopen dikke kabels naar binnen en de meterkast is aangepast. Ik ben bang voor brandgevaar voor de hele rij woningen."),
        ("w", "stroom wordt gestolen bij de buren voor hun kwekerij, de kabels worden heet, straks brand {loc}"),
        ("n", "Brandweer was {tijd} bij een woning {loc} voor een brandje in de meterkast; binnen stonden honderden hennepplanten."),
    ]),
    topic(SUB, "hard-afpersing-vs-overval", ["afpersing-ondernemer"], confusable=["overval"], roles=ROLES_OWNER, templates=[
        ("n", "Geen overval, maar mannen die elke week langskomen en zeggen dat mijn zaak {loc} anders in brand vliegt als ik niet betaal."),
        ("w", "ze dreigen mijn winkel te slopen als ik geen 'huur' aan hun betaal, al 3 keer langs geweest"),
        ("f", "Sinds enkele weken word ik als eigenaar van de {zaak} aan de {straat} onder druk gezet om mijn bedrijf voor een laag bedrag te verkopen aan onbekenden. Ze weten waar mijn kinderen op school zitten."),
    ]),

    # ==================================== PHYSICAL_BUSINESS ====================================
    topic(PB, "winkeldiefstal", ["winkeldiefstal"], confusable=["zakkenroller", "oplichting-betaalfraude"], roles=ROLES_BUSINESS, templates=[
        ("w", "winkeldief in de {straat}, rende richting station met een tas vol [parfum|kleding|vlees]"),
        ("n", "Man steelt stelselmatig uit {winkel} {loc}, vandaag weer met een geprepareerde tas langs de poortjes."),
        ("f", "Als ondernemer {loc} heb ik deze week drie keer te maken gehad met winkeldiefstal. Er wordt steeds door een groepje [vrouwen|mannen] gestolen op momenten dat het druk is."),
        ("w", "iemand loopt met een volle kar langs de kassa naar buiten bij {winkel}, nu!"),
        ("n", "Winkeldiefstal bij {winkel} {loc}: de dader heeft [elektronica|cosmetica|alcohol] gestolen en is weggefietst."),
        ("f", "Graag meld ik dat er bij {winkel} aan de {straat} opnieuw is gestolen. De dader was bij ons bekend en heeft eerder een winkelverbod gekregen."),
        ("w", "vrouw stopt make-up in haar kinderwagen bij {winkel}, personeel heeft het gezien"),
        ("n", "Diefstal van [scheermesjes|babyvoeding|dure drank] uit de schappen van {winkel} {loc}, het gebeurt bijna dagelijks."),
    ]),
    topic(PB, "overval", ["overval"], confusable=["afpersing-ondernemer", "winkeldiefstal"], roles=ROLES_BUSINESS, templates=[
        ("w", "overval op {winkel} {loc}!! man met [mes|pistool], richting {straat} gerend"),
        ("n", "Poging tot overval op de [juwelier|tankstation|snackbar] {loc}, de dader bedreigde het personeel en ging er zonder buit vandoor."),
        ("f", "Gisteravond is de {zaak} aan de {straat} overvallen vlak voor sluitingstijd. Het personeel is bedreigd en de kassa is leeggehaald. Ondernemers in de straat maken zich zorgen over de veiligheid."),
        ("w", "2 gemaskerde mannen bij de [tankstation|supermarkt] {loc}, personeel wordt bedreigd"),
        ("n", "Medewerker van {winkel} {loc} is bij het wegbrengen van de dagopbrengst overvallen."),
        ("w", "gewapende overval op de {zaak} {loc}, politie is er al"),
    ]),
    topic(PB, "zakkenrollers", ["zakkenroller"], confusable=["winkeldiefstal", "fietsdiefstal"], roles=ROLES_BUSINESS, templates=[
        ("w", "zakkenroller op de markt {loc}, mijn portemonnee is uit mijn tas gepakt"),
        ("n", "Twee vrouwen leiden klanten af bij de kassa van {winkel} terwijl een derde uit tassen steelt."),
        ("f", "Op de Beverwijkse Bazaar is afgelopen zondag bij meerdere bezoekers de portemonnee of telefoon uit de tas gerold. Het lijkt om een georganiseerde groep te gaan die in de drukte werkt."),
        ("w", "telefoon uit mijn jaszak gerold in de drukte bij {plek_winkel}"),
        ("n", "Zakkenrollers actief bij de bushalte {loc} en in de winkelstraat, vooral bij ouderen."),
        ("w", "vrouw aan de kassa bij {winkel} haar tas opengeritst en portemonnee weg, dader was al buiten"),
    ]),
    topic(PB, "betaalfraude", ["oplichting-betaalfraude"], confusable=["winkeldiefstal"], roles=ROLES_OWNER, templates=[
        ("w", "klant betaalde met een vals briefje van 50 bij ons in de zaak {loc}"),
        ("n", "Iemand probeert bij {winkel} met een gestolen pinpas te betalen; de pas werd geweigerd en hij liep weg."),
        ("f", "Als ondernemer wil ik waarschuwen voor een wisseltruc. Een man vraagt om geld te wisselen en brengt de kassamedewerker in verwarring, waarna er geld ontbreekt. Dit gebeurde {tijd} bij ons in de {straat}."),
        ("w", "klant liet een nep betaalverzoek zien op zijn telefoon en liep weg met de spullen"),
        ("n", "Oplichting in de winkel {loc}: iemand bestelt grote hoeveelheden en betaalt met een vervalst [bankbiljet|tegoedbon|betaalbewijs]."),
        ("w", "weer iemand met een valse cadeaukaart aan de kassa {loc}, tweede keer deze week"),
    ]),
    topic(PB, "bedrijfsinbraak", ["inbraak-bedrijf"], confusable=["inbraak-woning", "verdacht-voertuig"], roles=ROLES_BUSINESS, templates=[
        ("w", "ramkraak bij {winkel} {loc}!! auto door de pui gereden"),
        ("n", "Er is {tijd} ingebroken bij [de bakkerij|de fietsenwinkel|de telefoonwinkel|het kantoor] {loc}, het rolluik is opengebroken."),
        ("f", "Vannacht is er ingebroken in onze zaak aan de {straat}. De daders hebben het rolluik geforceerd en de kassalade en [sigaretten|telefoons|gereedschap] meegenomen. Dit is al de tweede keer dit jaar."),
        ("w", "alarm gaat af bij de juwelier {loc} en er staat een busje voor met draaiende motor"),
        ("n", "Poging tot inbraak bij een bedrijfspand {loc_ind}, braakschade aan de roldeur en de camera is kapotgemaakt."),
        ("w", "bij de snackbar {loc} is de deur ingetrapt, alles overhoop"),
        ("n", "Plofkraak op de geldautomaat bij {winkel} {loc}, de gevel is zwaar beschadigd."),
    ]),
    topic(PB, "brandgevaar", ["brandgevaar"], confusable=["gasgeur", S + "wonen.woningkwaliteit"], roles=ROLES_BUSINESS, templates=[
        ("w", "meterkast bij [de winkel|de bakker|ons in de zaak] {loc} rookt en ruikt geschroeid"),
        ("n", "Pallets en karton opgestapeld tegen de gevel van {winkel} {loc}, brandgevaarlijk."),
        ("f", "Bij het bedrijfspand aan de {straat} worden gasflessen opgeslagen in een open schuur naast de woningen. Ik maak mij zorgen over brandgevaar."),
        ("w", "overbelaste stekkerdozen en verlengsnoeren in de keuken van {horeca} {loc}, kan zo in de fik"),
        ("n", "Afvalcontainer vol brandbaar materiaal staat direct tegen de achteringang van {winkel}."),
        ("w", "de buren laden e-bike accu's op in het trappenhuis {loc}, dat is toch levensgevaarlijk bij brand"),
        ("n", "Rookmelders in het appartementencomplex {loc} zijn al maanden weggehaald en de brandblussers zijn leeg."),
    ]),
    topic(PB, "nooduitgang", ["nooduitgang-geblokkeerd"], confusable=["brandgevaar"], roles=ROLES_BUSINESS, templates=[
        ("w", "nooduitgang van {horeca} {loc} staat vol met kratten en is op slot tijdens openingstijd"),
        ("n", "In {winkel} {loc} is de nooduitgang geblokkeerd met dozen en rolcontainers."),
        ("f", "Tijdens een drukbezocht feest in [de discotheek|een zalencentrum|het café] {loc} bleek de nooduitgang met een ketting afgesloten. Bij brand kunnen bezoekers er niet uit."),
        ("w", "brandtrap achter de winkels {loc} versperd met afval en fietsen"),
        ("n", "Vluchtroute van het winkelcentrum {loc} afgesloten met een hek; het bordje nooduitgang wijst naar een dichte deur."),
        ("w", "in de sportschool {loc} staan de apparaten voor de nooduitgang"),
    ]),
    topic(PB, "gasgeur", ["gasgeur"], confusable=["brandgevaar", S + "schoon.putrioleringverstopt"], templates=[
        ("w", "sterke gaslucht {loc} bij de winkels, ruik het op straat"),
        ("n", "Gaslucht in het portiek van de flat {loc}, bewoners staan buiten."),
        ("f", "Bij het betreden van het trappenhuis van ons appartementencomplex aan de {straat} rook ik een sterke gaslucht. Ik heb de netbeheerder gebeld maar wil het ook hier melden."),
        ("w", "ik ruik gas in de keuken van ons restaurant {loc}, wat moet ik doen"),
        ("n", "Bij werkzaamheden {loc} is een gasleiding geraakt, het sist en stinkt naar gas."),
    ]),
    topic(PB, "onveilig-gebouw", [S + "wonen.woningkwaliteit"], confusable=[S + "civiele-constructies.kades", S + "overlast-in-de-openbare-ruimte.bouw-sloopoverlast"], templates=[
        ("w", "stukken van de gevel vallen naar beneden bij het pand {loc}, op de stoep waar mensen lopen"),
        ("n", "Balkon van de flat {loc} hangt scheef en er zitten grote scheuren in het beton."),
        ("f", "Het leegstaande winkelpand aan de {straat} is in slechte staat: dakpannen liggen los en er vallen regelmatig stenen op de stoep. Dit is gevaarlijk voor voetgangers."),
        ("w", "steiger bij de verbouwing {loc} staat los en wiebelt bij harde wind"),
        ("n", "Luifel boven de winkels {loc} is losgeraakt en hangt boven de ingang."),
        ("n", "Losse elektriciteitsdraden en lekkage in de huurwoning {loc}, de verhuurder doet niets."),
    ]),
    topic(PB, "verkeer-winkelgebied", ["gevaarlijk-verkeer-winkelgebied"], confusable=["hardrijden-woonwijk", S + "overlast-in-de-openbare-ruimte.parkeeroverlast"], roles=ROLES_BUSINESS, templates=[
        ("w", "vrachtwagens lossen midden in de {straat} tussen het winkelend publiek, bijna een kind geraakt"),
        ("n", "Bevoorrading van {winkel} gebeurt achteruitrijdend over het voetgangersgebied {loc}."),
        ("f", "In het voetgangersgebied van de Breestraat rijden steeds vaker auto's en scooters door het winkelend publiek, ook buiten de laad- en lostijden. Ondernemers en klanten vinden dit gevaarlijk."),
        ("n", "Auto's parkeren dubbel voor de winkels {loc}, klanten moeten de weg op om erlangs te komen."),
        ("w", "pakketbezorgers rijden over de stoep bij de winkels {loc}"),
        ("w", "scooters scheuren door het winkelcentrum {loc} tussen de mensen en kinderwagens door"),
    ]),
    topic(PB, "drukte-markt-evenement", [S + "overlast-in-de-openbare-ruimte.markten"], confusable=[S + "overlast-in-de-openbare-ruimte.hinderlijk-geplaatst-object"], templates=[
        ("w", "veel te druk op de bazaar, mensen worden platgedrukt bij de ingang"),
        ("n", "Tijdens de braderie {loc} kunnen hulpdiensten er niet door, kramen staan in de aanrijroute."),
        ("f", "Bij het evenement op het {plein} was de toegang veel te smal voor het aantal bezoekers. Er ontstond gedrang bij de uitgang en mensen raakten in paniek."),
        ("w", "weekmarkt {loc}: kramen staan zo dicht dat je er met een rolstoel niet meer door kan, en de brandweer ook niet"),
        ("n", "Op koopzondag was het in de {straat} gevaarlijk druk; er was geen doorgang en mensen vielen over elkaar."),
        ("w", "bij de kermis {loc} staan de aggregaten en gasflessen gewoon tussen het publiek"),
    ]),
    topic(PB, "agressie-personeel", ["intimidatie", "overval"], confusable=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen"], roles=ROLES_OWNER, templates=[
        ("w", "klant bedreigt mijn personeel aan de kassa, zegt dat hij terugkomt"),
        ("n", "Agressieve klant in {winkel} {loc} gooide spullen naar een medewerker nadat hij werd aangesproken op diefstal."),
        ("f", "Onze medewerkers in de {straat} worden regelmatig uitgescholden en bedreigd door klanten die geweigerd worden bij de verkoop van alcohol. Wij willen dit melden in het kader van veilig ondernemen."),
        ("w", "man sloeg mijn caissière omdat ze zijn pas niet accepteerde, {loc}"),
    ]),
    # Hard cases labelled PHYSICAL_BUSINESS.
    topic(PB, "hard-jongeren-winkeldiefstal", ["winkeldiefstal"], confusable=["hangjongeren", S + "overlast-van-en-door-personen-of-groepen.jongerenoverlast"], roles=ROLES_BUSINESS, templates=[
        ("w", "jongeren stelen in de winkel {loc}, pakken snoep en energydrank en rennen weg"),
        ("n", "Scholieren plunderen in de pauze de schappen van {winkel}, het personeel kan het niet bijhouden."),
        ("f", "Bij onze winkel aan de {straat} worden wij dagelijks bestolen door groepjes tieners. Zij leiden het personeel af terwijl anderen producten in hun tas stoppen."),
        ("w", "groep kids van 13 14 jaar gepakt met gestolen spullen in hun jas bij {winkel}"),
        ("n", "Jongens van een jaar of 16 stelen blikjes en chips bij {winkel} {loc} en lachen het personeel uit."),
    ]),
    topic(PB, "hard-gasgeur-woning", ["gasgeur"], confusable=[S + "wonen.woningkwaliteit"], roles=ROLES_DEFAULT, templates=[
        ("w", "ruik gas in mijn huis {loc}, kachel staat uit"),
        ("n", "Sterke gaslucht bij de meterkast in onze woning {loc}; we zijn naar buiten gegaan."),
        ("f", "Bij de buren op nummer {nr} aan de {straat} ruikt het al een dag naar gas. Er wordt niet opengedaan."),
    ]),

    # ========================================== OTHER ==========================================
    topic(OTH, "gaten-in-de-weg", [S + "wegen-verkeer-straatmeubilair.onderhoud-stoep-straat-en-fietspad", S + "wegen-verkeer-straatmeubilair.onderhoud-fietspad"], templates=[
        ("w", "groot gat in de weg {loc}, fietsers vallen er bijna in"),
        ("n", "Losliggende stoeptegels {loc}, al een paar mensen gestruikeld."),
        ("f", "Het fietspad langs de {straat} is door boomwortels zo ongelijk geworden dat het lastig fietsen is. Graag herstel."),
        ("w", "kuil in de straat {loc} staat steeds vol water"),
        ("n", "Verzakte klinkers voor huisnummer {nr} {loc}."),
        ("w", "putdeksel steekt uit op de weg {loc}, klapt elke keer als er een auto overheen rijdt"),
    ]),
    topic(OTH, "straatverlichting", [S + "wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting"], templates=[
        ("w", "lantaarnpaal {loc} doet het al 2 weken niet"),
        ("n", "Straatverlichting {loc} is uitgevallen, de hele straat is donker."),
        ("f", "Sinds vorige week brandt de lantaarnpaal voor nummer {nr} aan de {straat} niet meer. Graag zouden wij zien dat deze wordt gerepareerd."),
        ("w", "licht bij het fietspad {loc} flikkert de hele tijd aan uit"),
        ("n", "Lantaarnpaal {loc} brandt overdag wel en 's nachts niet."),
        ("w", "lantaarnpaal staat helemaal scheef na de storm {loc}"),
    ]),
    topic(OTH, "huisdier-kwijt", [S + "overlast-van-dieren.overig-dieren", S + "overig.overig"], templates=[
        ("w", "onze {huisdier} is weg sinds gisteren, rood met witte pootjes, {buurt}"),
        ("n", "Gevonden: kleine witte hond zonder halsband {loc}, hij loopt nu bij ons in de tuin."),
        ("f", "Wij zijn onze {huisdier} kwijtgeraakt in de omgeving van de {straat}. Mocht iemand hem zien, wilt u dan contact opnemen?"),
        ("w", "parkiet ontsnapt, groen met geel, iemand gezien in {buurt}?"),
        ("n", "Hond weggelopen tijdens het uitlaten {loc}, luistert naar de naam {naam}."),
        ("w", "kat van de buren zit al 2 dagen vast in een boom {loc}"),
    ]),
    topic(OTH, "vragen", [S + "overig.overig", S + "overig.overige-dienstverlening"], roles=ROLES_DEFAULT, templates=[
        ("w", "wanneer wordt het grofvuil weer opgehaald in {buurt}?"),
        ("n", "Hoe kan ik een parkeervergunning aanvragen voor de {straat}?"),
        ("f", "Graag zou ik willen weten wat de status is van mijn eerdere melding over [de stoep|de container|de bomen] in de {straat}. Ik heb nog niets gehoord."),
        ("w", "hoe werkt deze app eigenlijk? kan ik ook fotos sturen"),
        ("n", "Vraag: mag ik een container voor de deur zetten bij een verbouwing {loc}?"),
        ("w", "wie moet ik bellen voor een nieuwe [groene|grijze] container"),
        ("n", "Waar kan ik de openingstijden van het milieupark vinden?"),
        ("f", "Ik ben nieuw in Beverwijk en vroeg mij af hoe het ophalen van het afval hier geregeld is."),
        ("n", "Kan ik als ondernemer een vergunning krijgen voor een terras {loc}?"),
        ("w", "klopt het dat de weekmarkt verhuist? weet iemand waarheen"),
        ("n", "Wanneer komt de wijkagent weer op spreekuur in {buurt}?"),
    ]),
    topic(OTH, "testberichten", [S + "overig.overig"], templates=[
        ("n", "test"),
        ("n", "testmelding [1|2|123|nr 4]"),
        ("w", "dit is een test van de app, negeer maar"),
        ("w", "[asdfgh|qwerty|jkjkjk|aaaa]"),
        ("n", "Test test, werkt dit?"),
        ("w", "proberen of het versturen lukt"),
        ("n", "Even testen of de locatie goed doorkomt."),
    ]),
    topic(OTH, "bomen-groen", [S + "openbaar-groen-en-water.boom-overig", S + "openbaar-groen-en-water.snoeien", S + "openbaar-groen-en-water.maaien-snoeien"], templates=[
        ("w", "grote tak hangt los in de boom {loc}, kan zo naar beneden komen"),
        ("n", "Boom omgewaaid {loc}, hij ligt over het fietspad."),
        ("f", "Het gras in het plantsoen aan de {straat} is al weken niet gemaaid en de struiken groeien over het trottoir."),
        ("w", "onkruid staat kniehoog op de stoep {loc}"),
        ("n", "Verzoek om de heg op de hoek {loc} te snoeien, je kunt het verkeer niet zien."),
        ("n", "Eikenprocessierups in de bomen {loc}, kinderen spelen eronder."),
        ("w", "bladeren verstoppen alle putten {loc}, wanneer komt de veegwagen"),
    ]),
    topic(OTH, "containers", [S + "afval.container-is-vol", S + "afval.rolcontainer-is-vol", S + "afval.container-is-kapot"], confusable=[S + "afval.container-bijplaatsing"], templates=[
        ("w", "container {loc} zit weer vol, kan mijn zak nergens kwijt"),
        ("n", "Ondergrondse container {loc} klemt, de klep gaat niet meer open."),
        ("f", "Onze grijze container is deze week niet geleegd, terwijl hij op tijd aan de straat stond ({straat})."),
        ("w", "glasbak {loc} is kapot"),
        ("n", "Papiercontainer {loc} is vol, al sinds het weekend."),
        ("w", "pasje werkt niet bij de afvalcontainer {loc}"),
    ]),
    topic(OTH, "dieren-ongedierte", [S + "overlast-van-dieren.ratten", S + "overlast-van-dieren.dode-dieren", S + "overlast-van-dieren.wespen", S + "overlast-van-dieren.duiven"], templates=[
        ("w", "ratten in de tuin {loc}, komen uit het riool denk ik"),
        ("n", "Dode meeuw op de stoep {loc}."),
        ("f", "Er zit een wespennest onder de dakgoot van onze woning aan de {straat}. Kan de gemeente dit verwijderen?"),
        ("w", "duiven poepen alles onder bij de flat {loc}"),
        ("n", "Dode vos langs de weg {loc}, ligt er al een paar dagen."),
        ("w", "muizen in de schuur en nu ook in huis {loc}, wie moet ik bellen"),
    ]),
    topic(OTH, "verkeerslicht-borden", [S + "wegen-verkeer-straatmeubilair.verkeerslicht", S + "wegen-verkeer-straatmeubilair.verkeersbord-verkeersafzetting"], templates=[
        ("w", "verkeerslicht op de kruising {loc} staat de hele tijd op rood"),
        ("n", "Verkeersbord {loc} is omgereden en ligt op de stoep."),
        ("f", "Het straatnaambord op de hoek van de {straat} is onleesbaar geworden en zou vervangen moeten worden."),
        ("w", "stoplicht voor fietsers bij de {straat} doet het niet"),
        ("n", "Wegmarkering op de rotonde {loc} is bijna helemaal weg."),
    ]),
    topic(OTH, "speeltoestel-meubilair", [S + "wegen-verkeer-straatmeubilair.speelplaats", S + "wegen-verkeer-straatmeubilair.straatmeubilair"], confusable=["vandalisme"], templates=[
        ("w", "schommel in de speeltuin {loc} is kapot, ketting hangt los"),
        ("n", "Bankje in het park {loc} is verrot en er steken spijkers uit."),
        ("f", "Het klimrek op het speelveld aan de {straat} is verouderd; er zitten splinters in en een paar treden zijn los."),
        ("w", "fietsenrek {loc} is verbogen en staat half los, kan mijn fiets niet kwijt"),
        ("n", "Prullenbak {loc} hangt los aan de paal."),
    ]),
    topic(OTH, "gladheid-water", [S + "schoon.gladheid-winterdienst", S + "schoon.putrioleringverstopt"], templates=[
        ("w", "fietspad {loc} spiegelglad, niet gestrooid"),
        ("n", "Gladheid door bladeren op het fietspad {loc}."),
        ("f", "De stoep bij het verzorgingshuis aan de {straat} is niet gestrooid en erg glad voor de bewoners."),
        ("w", "put in de straat {loc} is verstopt, alles staat blank bij regen"),
        ("n", "Rioollucht {loc}, al dagen."),
        ("f", "Na iedere regenbui staat de kelder van ons pand aan de {straat} onder water. Mogelijk is het riool verstopt."),
    ]),
    topic(OTH, "complimenten", [S + "overig.overig"], templates=[
        ("w", "top dat de lantaarnpaal zo snel gemaakt is, thanks!"),
        ("n", "Bedankt voor het snel oppakken van mijn melding over de container."),
        ("f", "Graag wil ik de gemeente bedanken voor het nieuwe speeltuintje in {buurt}."),
        ("w", "super dat de stoep eindelijk gerepareerd is {loc}, dankje"),
    ]),
    topic(OTH, "overig-voorzieningen", [S + "wegen-verkeer-straatmeubilair.parkeerautomaten", S + "wegen-verkeer-straatmeubilair.oplaadpunt", S + "wegen-verkeer-straatmeubilair.klok"], templates=[
        ("w", "parkeerautomaat {loc} pakt geen pin"),
        ("n", "Laadpaal voor elektrische auto's {loc} is al een week defect."),
        ("f", "De openbare klok op het {plein} loopt al maanden een uur achter."),
        ("w", "laadpaal {loc} geeft steeds een foutmelding"),
    ]),
    # Hard cases labelled OTHER.
    topic(OTH, "hard-donker-onveilig", [S + "wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting"], confusable=["intimidatie", "verdachte-persoon-bij-woning"], templates=[
        ("f", "Door de kapotte lantaarnpalen in het park {loc} is het 's avonds erg donker en voelt het onveilig om er te lopen. Wilt u de verlichting laten repareren?"),
        ("w", "tunneltje {loc} is pikkedonker, lamp kapot, voel me echt niet veilig als ik van werk kom"),
        ("n", "Verlichting bij het fietspad {loc} is uit; het is zo donker dat je niet ziet wie er aankomt."),
        ("w", "geen licht in het portiek {loc} al een week, eng als je thuiskomt"),
    ]),
    topic(OTH, "hard-gevaarlijk-onderhoud", [S + "wegen-verkeer-straatmeubilair.onderhoud-stoep-straat-en-fietspad", S + "openbaar-groen-en-water.boom-verzoek-inspectie"], confusable=[S + "wonen.woningkwaliteit", "brandgevaar"], templates=[
        ("n", "Gevaarlijk diep gat in het fietspad {loc}, er is vanochtend iemand gevallen."),
        ("w", "boom staat helemaal scheef boven de speeltuin {loc}, levensgevaarlijk als die omvalt"),
        ("f", "Het hek langs de sloot {loc} is al maanden kapot. Voor kleine kinderen is dit gevaarlijk; graag snel herstellen."),
        ("w", "stoeprand afgebrokkeld bij de oversteek {loc}, mijn moeder met rollator is gevallen"),
    ]),
]

# ---------------------------------------------------------------------------------------------
# More phrasings per topic: short app reports ("k" is written like "n" but is one line of a
# few words) and other wordings, so each sub-topic has varied vocabulary in every split.

EXTRA_TEMPLATES = {
    "woninginbraak": [
        ("n", "Inbraak in woning {loc}."),
        ("w", "ingebroken {loc} achterdeur open"),
        ("n", "Onze woning is leeggeroofd terwijl wij op vakantie waren, {straat} {nr}."),
        ("w", "ze hebben het slot van de voordeur eruit getrokken bij {wie}, alles doorzocht"),
    ],
    "verdachte-persoon-woning": [
        ("n", "Verdachte man bij de woningen {loc}."),
        ("w", "iemand rammelt aan deuren {loc}"),
        ("f", "{tijd_cap} stond er een onbekende man langdurig in de tuin van mijn buren, die op vakantie zijn. Hij scheen met een lampje door de ramen en liep weg toen ik het licht aandeed."),
        ("w", "2 mannen bellen overal aan en vragen naar iemand die hier niet woont, lijkt op verkennen voor inbraak"),
    ],
    "auto-inbraak": [
        ("n", "Auto opengebroken {loc}."),
        ("w", "weer glas op straat, autoruit ingeslagen {loc}"),
        ("f", "Bij mijn geparkeerde auto in {buurt} is de zijruit vernield en zijn [mijn tas|mijn zonnebril en papieren|de laadkabel] weggenomen. Meerdere auto's in de straat hebben dezelfde schade."),
    ],
    "fietsdiefstal": [
        ("n", "Fietsdiefstal {loc}."),
        ("w", "fiets gejat {loc}"),
        ("f", "Mijn [elektrische fiets|kinderfiets|racefiets] is weggenomen uit de afgesloten fietsenberging van ons complex aan de {straat}. De deur van de berging is geforceerd."),
    ],
    "vandalisme": [
        ("n", "Vernieling {loc}."),
        ("w", "alle ruiten van de abri ingegooid {loc}"),
        ("f", "Afgelopen weekend zijn in {buurt} meerdere lantaarnpalen en verkeersborden opzettelijk beschadigd. Ook is er met verf op de gevels gespoten."),
        ("n", "Nieuwe boompjes in de straat zijn doormidden gebroken {loc}."),
    ],
    "geluidsoverlast": [
        ("n", "Geluidsoverlast buren {loc}."),
        ("w", "muziek keihard bij de buren, elke avond weer"),
        ("f", "Onze bovenburen veroorzaken al maanden overlast door harde muziek, ruzies en gestamp tot in de vroege uurtjes. Wij slapen slecht en de kinderen ook."),
    ],
    "afval-dumpen": [
        ("n", "Afval gedumpt {loc}."),
        ("w", "grofvuil op de stoep {loc} al weken"),
        ("f", "Iemand heeft in de nacht een aanhangwagen vol tuinafval en oude tegels in de berm aan de {straat} gestort."),
    ],
    "burenruzie": [
        ("n", "Conflict met de buren {loc}."),
        ("w", "buurman dreigt mij in elkaar te slaan om een schutting"),
        ("f", "De ruzie met onze buren escaleert. Gisteren heeft de buurman mijn man geduwd en gedreigd met geweld. Wij durven onze kinderen niet meer alleen buiten te laten spelen."),
    ],
    "verward-dronken": [
        ("n", "Verward persoon {loc}."),
        ("w", "dronken gast valt mensen lastig {loc}"),
        ("f", "Er loopt {tijd} een man in zijn ondergoed door {buurt}. Hij schreeuwt onsamenhangend en lijkt niet te weten waar hij is."),
    ],
    "intimidatie": [
        ("n", "Straatintimidatie {loc}."),
        ("w", "man achtervolgt vrouwen bij {plek_station}, roept ze na"),
        ("f", "Ik ben {tijd} op straat {loc} door een onbekende man uitgescholden en bedreigd. Hij kwam dreigend op mij af en zei dat hij mij zou opwachten."),
    ],
    "loslopende-honden": [
        ("n", "Loslopende hond {loc}."),
        ("w", "hond van de buren bijt bijna mijn kat dood, loopt altijd los"),
        ("f", "Een eigenaar in {buurt} laat twee grote honden zonder lijn uit. Ze hebben al meerdere keren andere honden aangevallen en wandelaars bang gemaakt."),
    ],
    "hardrijden": [
        ("n", "Te hard rijden in de woonwijk {loc}."),
        ("w", "racen door de straat weer {loc}"),
        ("f", "Op de {straat} wordt 's avonds geregeld met hoge snelheid geracet, vooral door auto's met aangepaste uitlaten. Het is een kwestie van tijd voordat er een ongeluk gebeurt."),
    ],
    "verdacht-voertuig": [
        ("n", "Verdacht voertuig {loc}."),
        ("w", "zelfde busje staat elke nacht met draaiende motor bij de flats {loc}"),
        ("f", "Wij zien al een week een donkere bestelbus door {buurt} rijden die stopt bij woningen waar niemand thuis is. De inzittenden noteren iets."),
    ],
    "overige-buurt": [
        ("n", "Wildplassen {loc}."),
        ("w", "hondenpoep overal op de stoep {loc}"),
        ("n", "Foutparkeerders op de stoep {loc}, er kan geen kinderwagen meer langs."),
    ],
    "hangjongeren": [
        ("n", "Hangjongeren {loc}."),
        ("w", "hangjeugd weer bij {plek_jeugd}"),
        ("n", "Jongerenoverlast bij {plek_jeugd}: schreeuwen, rommel, harde muziek."),
        ("w", "gasten van een jaar of 16 zitten elke avond op de trap van de flat {loc}, pissen in het portiek"),
    ],
    "scooters-intimidatie": [
        ("n", "Jongeren op scooters {loc}."),
        ("w", "scooterjongens weer in het park {loc}"),
        ("f", "Dagelijks rijden tieners op opgevoerde brommers en fatbikes over het schoolplein en de stoepen in {buurt}. Zij roepen en dreigen naar bewoners die er iets van zeggen."),
    ],
    "vechtpartij": [
        ("n", "Vechtpartij jongeren {loc}."),
        ("w", "jongens slaan elkaar in elkaar bij {plek_jeugd}"),
        ("f", "Na een voetbalwedstrijd ontstond een massale vechtpartij tussen jongeren op het {plein}. Er werd met flessen gegooid."),
    ],
    "lachgas": [
        ("n", "Lachgas {loc}."),
        ("w", "lachgastank en ballonnen achtergelaten bij {plek_jeugd}"),
        ("f", "Bij de parkeerplaats {loc} zitten 's avonds jongeren in auto's lachgas te gebruiken. Daarna rijden zij met hoge snelheid weg."),
    ],
    "drugs-alcohol-jongeren": [
        ("n", "Blowende jongeren {loc}."),
        ("w", "kinderen zitten wiet te roken bij de speeltuin {loc}"),
        ("f", "Op het schoolplein van de basisschool in {buurt} worden 's avonds door tieners drank en drugs gebruikt. 's Ochtends liggen er lege flesjes en zakjes."),
    ],
    "vuurwerk-naar-mensen": [
        ("n", "Vuurwerk naar mensen gegooid {loc}."),
        ("w", "ze gooien vuurwerk naar katten en honden {loc}"),
        ("f", "Een groep jongeren heeft {tijd} zwaar vuurwerk naar voorbijgangers en een ambulance gegooid {loc}. Een oudere dame is daarbij gevallen."),
    ],
    "pesten-bedreigen": [
        ("n", "Kinderen worden bedreigd door jongeren {loc}."),
        ("w", "mijn dochter wordt gepest en geslagen door meiden uit de buurt"),
        ("f", "Een groep jongeren uit {buurt} intimideert al weken kinderen op weg naar school. Zij eisen geld en dreigen met een mes."),
    ],
    "stenen-gooien": [
        ("n", "Jongeren gooien stenen {loc}."),
        ("w", "kids gooien met stenen naar de bus {loc}"),
    ],
    "hennepteelt": [
        ("n", "Vermoedelijke hennepkwekerij {loc}."),
        ("w", "wietplantage bij de buren volgens mij, stinkt de hele dag"),
        ("f", "In de woning aan de {straat} zijn de ramen al maanden afgeschermd, de bewoners zijn nooit te zien en er is een constant zoemend geluid hoorbaar. Ook ruikt het sterk naar hennep."),
    ],
    "drugshandel": [
        ("n", "Drugshandel {loc}."),
        ("w", "dealers bij {plek_sub} weer"),
        ("f", "Bij {plek_sub} vindt volgens mij handel in verdovende middelen plaats. Dezelfde personen ontmoeten daar de hele dag mensen, wisselen iets uit en gaan ieder een andere kant op."),
        ("w", "je kan hier {loc} gewoon coke bestellen via snapchat, wordt binnen 10 minuten gebracht"),
    ],
    "korte-bezoekjes": [
        ("n", "Veel korte bezoekjes aan woning {loc}."),
        ("w", "de hele dag loop bij nr {nr}, mensen 2 min binnen en weer weg"),
        ("f", "Aan het adres {straat} {nr} stoppen dagelijks tientallen auto's en scooters voor enkele minuten. Er wordt iets aangereikt door de brievenbus of aan de deur."),
    ],
    "drugsafval": [
        ("n", "Drugsafval gedumpt {loc}."),
        ("w", "vaten met chemische troep in het bos bij {buurt}"),
        ("f", "Bij het fietspad {loc} staan sinds vannacht enkele blauwe vaten en jerrycans. Er hangt een sterke chemische geur; ik vermoed dumping van drugsafval."),
    ],
    "dekmantel": [
        ("n", "Verdacht bedrijf {loc}, mogelijk een dekmantel."),
        ("w", "winkel {loc} zonder klanten maar wel 3 nieuwe auto's voor de deur"),
        ("f", "Sinds kort zit er aan de {straat} een zaak die vrijwel nooit open is, maar waar wel regelmatig grote sommen contant geld naar binnen worden gebracht."),
    ],
    "mensenhandel-prostitutie": [
        ("n", "Vermoeden van mensenhandel {loc}."),
        ("w", "illegale prostitutie in het appartement boven de winkels {loc}"),
        ("f", "In een woning aan de {straat} wonen jonge vrouwen die door een man worden weggebracht en opgehaald. Zij spreken geen Nederlands en lijken bang."),
    ],
    "overbewoning": [
        ("n", "Overbewoning {loc}."),
        ("w", "te veel mensen in 1 huis {loc}, elke week nieuwe gezichten"),
        ("f", "In de eengezinswoning naast ons verblijven naar schatting vijftien arbeidsmigranten. Er staan stapelbedden in de woonkamer en de tuin ligt vol afval."),
    ],
    "motorclub": [
        ("n", "Motorclub {loc}."),
        ("w", "clubhuis van die motorbende {loc_ind}, elke vrijdag feest en intimidatie"),
        ("f", "Sinds enige tijd is er {loc_ind} een clubhuis van een motorclub gevestigd. Leden in colors rijden in groepen door de wijk en spreken bewoners intimiderend aan."),
    ],
    "afpersing": [
        ("n", "Afpersing van een ondernemer {loc}."),
        ("w", "ondernemer wordt gechanteerd door een groep mannen {loc}"),
        ("f", "Ik word als winkelier in de {straat} al maanden onder druk gezet door personen die eisen dat ik geld betaal voor 'bescherming'. Ik durf geen aangifte te doen."),
    ],
    "witwassen": [
        ("n", "Vermoeden van witwassen {loc}."),
        ("w", "alles contant, dure autos, geen baan, {loc}"),
    ],
    "woonfraude": [
        ("n", "Illegale onderhuur {loc}."),
        ("w", "huurwoning {loc} wordt per kamer verhuurd via een app"),
    ],
    "verdachte-loods": [
        ("n", "Verdachte activiteiten bij een loods {loc_ind}."),
        ("w", "rare drukte 's nachts bij bedrijfshal {loc_ind}"),
    ],
    "winkeldiefstal": [
        ("n", "Winkeldiefstal {loc}."),
        ("w", "dief bij {winkel} nu"),
        ("f", "In onze [drogisterij|supermarkt|kledingzaak] aan de {straat} is vandaag opnieuw een man betrapt op diefstal van [verzorgingsproducten|kleding|vlees]. Hij is richting het station gevlucht."),
        ("w", "vrouw met grote tas stopt spullen in haar jas bij {winkel}, personeel ziet het niet"),
    ],
    "overval": [
        ("n", "Overval {loc}."),
        ("w", "net overvallen in de zaak {loc}, man met mes"),
        ("f", "Onze [avondwinkel|juwelierszaak|snackbar] aan de {straat} is {tijd} overvallen door twee gemaskerde mannen. Het personeel is ongedeerd maar erg geschrokken."),
    ],
    "zakkenrollers": [
        ("n", "Zakkenroller {loc}."),
        ("w", "portemonnee gerold op de markt"),
        ("f", "Tijdens het boodschappen doen in {plek_winkel} is mijn portemonnee uit mijn jaszak gestolen. Ik heb het niet gemerkt tot ik bij de kassa stond."),
    ],
    "betaalfraude": [
        ("n", "Betaalfraude in de winkel {loc}."),
        ("w", "vals geld aan de kassa {loc}"),
        ("f", "Bij onze zaak aan de {straat} is {tijd} met een gestolen bankpas een grote aankoop gedaan. De bank heeft ons laten weten dat de pas als vermist was opgegeven."),
    ],
    "bedrijfsinbraak": [
        ("n", "Inbraak bedrijfspand {loc}."),
        ("w", "ingebroken in de winkel {loc}, rolluik kapot"),
        ("f", "In de nacht is er ingebroken bij [onze kapsalon|onze bakkerij|ons kantoorpand] aan de {straat}. De achterdeur is opengebroken en de kassa en een laptop zijn meegenomen."),
    ],
    "brandgevaar": [
        ("n", "Brandgevaarlijke situatie {loc}."),
        ("w", "allemaal gasflessen opgeslagen achter de snackbar {loc}"),
        ("f", "In de kelder van het winkelpand aan de {straat} worden grote hoeveelheden karton en verf opgeslagen naast de cv-ketel. Dit lijkt mij brandgevaarlijk."),
    ],
    "nooduitgang": [
        ("n", "Geblokkeerde nooduitgang {loc}."),
        ("w", "nooduitgang dicht bij {winkel}"),
        ("f", "Bij de supermarkt aan de {straat} zijn de nooduitgangen regelmatig afgesloten met een slot en versperd met pallets."),
    ],
    "gasgeur": [
        ("n", "Gaslucht {loc}."),
        ("w", "ruikt naar gas bij de winkels {loc}"),
        ("f", "In de winkelstraat bij de {straat} hangt sinds vanochtend een duidelijke gaslucht. Ondernemers maken zich zorgen."),
    ],
    "onveilig-gebouw": [
        ("n", "Onveilig gebouw {loc}."),
        ("w", "gevel brokkelt af bij de winkel {loc}"),
        ("f", "Aan het pand op de hoek van de {straat} hangt een losgeraakt reclamebord dat bij harde wind op de stoep kan vallen."),
    ],
    "verkeer-winkelgebied": [
        ("n", "Gevaarlijke verkeerssituatie bij de winkels {loc}."),
        ("w", "bestelbussen rijden door het voetgangersgebied {loc}"),
        ("f", "Bij het winkelcentrum {loc} laden en lossen vrachtwagens op het trottoir, waardoor klanten met kinderwagens en rollators de weg op moeten."),
    ],
    "drukte-markt-evenement": [
        ("n", "Gevaarlijke drukte bij het evenement {loc}."),
        ("w", "markt is veel te vol, ambulance kan er niet door"),
        ("f", "Tijdens de intocht van Sinterklaas op het {plein} stonden bezoekers zo dicht op elkaar dat er kinderen onder de dranghekken door werden gedrukt."),
    ],
    "agressie-personeel": [
        ("n", "Agressie tegen personeel in de winkel {loc}."),
        ("w", "klant slaat medewerker bij {winkel}"),
    ],
    "gaten-in-de-weg": [
        ("n", "Gat in de weg {loc}."),
        ("w", "stoeptegels los {loc}"),
        ("f", "De bestrating voor de woningen aan de {straat} is verzakt, waardoor er na regen grote plassen staan."),
    ],
    "straatverlichting": [
        ("n", "Lantaarnpaal kapot {loc}."),
        ("w", "straatlamp uit {loc}"),
        ("f", "Meerdere lantaarnpalen op het fietspad langs de {straat} branden niet meer sinds de werkzaamheden van vorige maand."),
    ],
    "huisdier-kwijt": [
        ("n", "{huisdier} vermist in {buurt}."),
        ("w", "wie heeft onze {huisdier} gezien, weg sinds zondag"),
        ("f", "Wij hebben een zwarte kat gevonden die al een paar dagen bij ons in de tuin aan de {straat} zit. Hij heeft geen chip."),
    ],
    "vragen": [
        ("n", "Vraag over het ophalen van afval."),
        ("w", "waar kan ik een nieuwe afvalpas halen"),
        ("n", "Hoe kan ik een melding die ik eerder heb gedaan aanpassen?"),
    ],
    "testberichten": [
        ("n", "testing"),
        ("w", "hallo test"),
    ],
    "bomen-groen": [
        ("n", "Boom kapot {loc}."),
        ("w", "gras niet gemaaid {loc}"),
        ("f", "De struiken langs het fietspad bij de {straat} groeien zo ver over het pad dat fietsers moeten uitwijken. Graag snoeien."),
    ],
    "containers": [
        ("n", "Container vol {loc}."),
        ("w", "papierbak {loc} zit propvol"),
    ],
    "dieren-ongedierte": [
        ("n", "Ratten {loc}."),
        ("w", "wespennest bij de speeltuin {loc}"),
    ],
    "verkeerslicht-borden": [
        ("n", "Verkeerslicht defect {loc}."),
        ("w", "stoplicht kapot {loc}"),
    ],
    "speeltoestel-meubilair": [
        ("n", "Speeltoestel kapot {loc}."),
        ("w", "bankje kapot in het park {loc}"),
    ],
    "gladheid-water": [
        ("n", "Gladheid {loc}."),
        ("w", "riool stinkt {loc}"),
    ],
}

# Observations in other voices: handhaving/BOA notes, shopkeepers, elderly residents, parents.
MORE_TEMPLATES = {
    "woninginbraak": [
        ("n", "Constatering: woning {loc} met opengebroken achterdeur aangetroffen, bewoners niet thuis. Politie ingelicht."),
        ("w", "ik kom thuis en mn laptop en sieraden zijn weg, raam stond open geforceerd"),
        ("f", "Mijn moeder van 84 heeft ontdekt dat er bij haar is ingebroken terwijl zij sliep. De inbrekers zijn binnengekomen via de keukendeur."),
    ],
    "verdachte-persoon-woning": [
        ("n", "Tijdens surveillance man aangetroffen die in achtertuinen {loc} klom; hij kon niet zeggen wat hij daar deed."),
        ("w", "vreemde vent staat al een half uur naar ons huis te kijken {loc}"),
    ],
    "auto-inbraak": [
        ("n", "Meerdere auto's met ingeslagen zijruiten aangetroffen {loc} tijdens de ochtendronde."),
        ("w", "alweer iemand die in onze auto heeft gezeten, dashboard open gebroken"),
    ],
    "fietsdiefstal": [
        ("n", "Bij de fietsenstalling {loc} zijn dit weekend meerdere e-bikes weggehaald."),
        ("w", "3e fiets dit jaar gestolen bij {plek_station}, ik ben er klaar mee"),
        ("w", "mijn fiets is weg!! stond op slot voor de deur"),
        ("n", "Mijn fiets is gestolen uit het fietsenrek {loc}."),
        ("w", "iemand heeft de fiets van mijn zoon gejat bij school"),
        ("f", "Vorige week is mijn fiets, die met twee sloten vaststond bij {plek_station}, gestolen. De sloten lagen doorgeknipt op de grond."),
    ],
    "vandalisme": [
        ("n", "Geconstateerd: vernielde speeltoestellen en beklad hekwerk {loc}."),
        ("w", "iemand heeft alle spiegels van de auto's in de straat eraf getrapt"),
    ],
    "geluidsoverlast": [
        ("n", "Geluidsoverlast door een feest in een woning {loc}, tot 4 uur 's nachts."),
        ("w", "bovenburen slaan elke nacht deuren en stampen, ik word gek"),
    ],
    "afval-dumpen": [
        ("n", "Illegale afvaldumping {loc}: matrassen, dozen en een bankstel naast de containers."),
        ("w", "mensen zetten hun vuilniszakken gewoon naast de bak ipv erin {loc}"),
    ],
    "burenruzie": [
        ("n", "Melding van bewoners over een escalerend conflict tussen buren {loc}; er zou met een mes zijn gedreigd."),
        ("w", "buurvrouw scheldt mijn kinderen uit en gooit water over ze heen"),
    ],
    "verward-dronken": [
        ("n", "Persoon in verwarde toestand aangetroffen {loc}, gesprek niet mogelijk, hulp ingeschakeld."),
        ("w", "man ligt dronken in de bosjes {loc}, weet niet of hij oké is"),
    ],
    "intimidatie": [
        ("w", "elke keer als ik langs het bankje loop roepen die mannen dingen naar me, ik durf niet meer"),
        ("f", "Mijn dochter wordt op weg naar haar werk door een oudere man aangesproken en gevolgd tot aan haar voordeur."),
    ],
    "loslopende-honden": [
        ("n", "Grote hond zonder riem viel {tijd} een kind aan {loc}."),
        ("w", "weer die loslopende pitbull in het park, eigenaar lacht je uit"),
    ],
    "hardrijden": [
        ("n", "Snelheidsovertredingen in de woonstraat {loc}, vooral 's avonds."),
        ("w", "ze gebruiken onze straat als racebaan"),
    ],
    "verdacht-voertuig": [
        ("n", "Onbekend busje rijdt stapvoets door de wijk {loc} en de inzittenden fotograferen woningen."),
    ],
    "overige-buurt": [
        ("w", "iemand poept elke nacht in ons portiek {loc}, vies en het stinkt"),
    ],
    "hangjongeren": [
        ("n", "Tijdens de avondronde een groep van circa {n2} jongeren aangesproken bij {plek_jeugd}; veel afval en harde muziek."),
        ("w", "die pubers bij het bankje {loc} weer, tot 1 uur schreeuwen en blowen"),
        ("f", "Als moeder maak ik mij zorgen over de groep tieners die elke dag na school bij {plek_jeugd} rondhangt. Kleinere kinderen durven er niet meer te spelen."),
    ],
    "scooters-intimidatie": [
        ("n", "Jongeren op fatbikes rijden in groepen door het winkelgebied en het park {loc} en hinderen voetgangers."),
        ("w", "brommerjongens scheuren door het fietstunneltje {loc} en roepen naar meisjes"),
    ],
    "vechtpartij": [
        ("n", "Opstootje tussen twee groepen scholieren {loc}, één jongen gewond."),
        ("w", "meiden aan het vechten bij de bushalte, iedereen staat te filmen"),
    ],
    "lachgas": [
        ("n", "Veel lachgasballonnen en cilinders aangetroffen op het parkeerterrein {loc}, vermoedelijk van jongeren."),
        ("w", "tieners in een auto met lachgas bij de skatebaan, ze rijden daarna weg"),
    ],
    "drugs-alcohol-jongeren": [
        ("n", "Minderjarigen met alcohol aangetroffen bij {plek_jeugd}; drank ingenomen."),
        ("w", "kinderen van 14 staan te blowen achter de gymzaal"),
    ],
    "vuurwerk-naar-mensen": [
        ("n", "Tieners gooiden {tijd} knalvuurwerk naar voorbijgangers {loc}."),
        ("w", "jochies schieten vuurpijlen op de flat {loc}"),
    ],
    "pesten-bedreigen": [
        ("n", "Ouders melden dat hun zoon van 11 door oudere jongens {loc} wordt bedreigd en beroofd van zijn telefoon."),
        ("w", "groepje kinderen pest de oude buurman al weken, bellen aan en rennen weg en schelden"),
    ],
    "stenen-gooien": [
        ("n", "Tieners bekogelen de ramen van het buurthuis met stenen {loc}."),
    ],
    "hennepteelt": [
        ("n", "Tijdens controle sterke hennepgeur waargenomen bij woning {loc}, ramen afgeplakt."),
        ("w", "buurman heeft op zolder een wietkwekerij volgens mij, lampen branden de hele nacht en het stinkt"),
    ],
    "drugshandel": [
        ("n", "Waargenomen: herhaaldelijke overdrachten tussen een scooterrijder en voetgangers {loc}, vermoedelijk drugs."),
        ("w", "elke avond staat er een auto bij {plek_sub} waar mensen even instappen en weer uitstappen"),
    ],
    "korte-bezoekjes": [
        ("n", "Opvallend veel loop naar één adres {loc}, bezoekers blijven telkens een paar minuten."),
    ],
    "drugsafval": [
        ("n", "Gedumpte vaten en jerrycans met sterke chemische lucht aangetroffen {loc}; brandweer ingelicht."),
        ("w", "zakken met rare witte troep en vaten gedumpt in de berm {loc}"),
    ],
    "dekmantel": [
        ("n", "Belwinkel {loc} heeft geen klanten maar wel steeds andere eigenaren; mogelijk witwassen."),
        ("w", "nagelstudio {loc} is altijd dicht maar er gaan elke avond mensen met tassen naar binnen"),
    ],
    "mensenhandel-prostitutie": [
        ("n", "Signalen van uitbuiting: arbeiders {loc_ind} werken 12 uur per dag en slapen op het bedrijfsterrein."),
        ("w", "meisje van 16 wordt steeds door oudere mannen in een dure auto opgehaald bij school"),
    ],
    "overbewoning": [
        ("n", "Controle: in een woning {loc} verblijven circa {n2} personen, matrassen in elke kamer."),
        ("w", "huisjesmelker {loc} stopt 10 man in een huis van 3 kamers"),
    ],
    "motorclub": [
        ("n", "Groep leden van een motorclub in colors bij een bedrijfspand {loc_ind}, bewoners voelen zich geintimideerd."),
    ],
    "afpersing": [
        ("n", "Ondernemer {loc} meldt dat hij wordt afgeperst: hij moet maandelijks betalen of zijn zaak wordt vernield."),
        ("w", "ze zeggen dat mijn winkel in de fik gaat als ik niet betaal"),
    ],
    "witwassen": [
        ("n", "Buurtbewoner zonder werk koopt contant een nieuwe auto en een woning {loc}."),
    ],
    "woonfraude": [
        ("n", "Woning {loc} wordt verhuurd aan toeristen en arbeiders terwijl de huurder in het buitenland woont."),
    ],
    "verdachte-loods": [
        ("n", "Bedrijfshal {loc_ind} met geblindeerde ramen, 's nachts af en aan rijdende busjes en geen bedrijfsnaam."),
    ],
    "winkeldiefstal": [
        ("n", "Winkelmedewerker meldt diefstal uit {winkel} {loc}: dader heeft [cosmetica|vlees|elektronica] in een tas gestopt en is weggerend."),
        ("w", "alweer gejat in mijn winkel, camera's hebben het, wie komt er"),
        ("f", "Wij als winkeliers in de {straat} hebben steeds vaker te maken met diefstal. Er wordt gestolen met geprepareerde tassen en de daders zijn brutaal tegen ons personeel."),
    ],
    "overval": [
        ("n", "Gewapende overval op {winkel} {loc}, daders gevlucht op een scooter."),
        ("w", "we zijn net overvallen in de winkel, ze hadden een pistool"),
    ],
    "zakkenrollers": [
        ("n", "Zakkenrollerij in de drukte van {plek_winkel}: meerdere bezoekers missen hun portemonnee."),
        ("w", "tasjesdief op de weekmarkt, heeft mijn portemonnee gepakt"),
    ],
    "betaalfraude": [
        ("n", "Winkelier {loc} meldt een klant die met een vervalst betaalbewijs wilde afrekenen."),
        ("w", "iemand betaalt met valse tientjes bij de bakker"),
    ],
    "bedrijfsinbraak": [
        ("n", "Inbraak in winkelpand {loc}: rolluik geforceerd, kassa en voorraad weg."),
        ("w", "ramkraak op de telefoonwinkel {loc}, hele pui eruit"),
    ],
    "brandgevaar": [
        ("n", "Tijdens controle brandgevaarlijke opslag aangetroffen in het winkelpand {loc}: gasflessen naast de meterkast."),
        ("w", "vluchtweg van de flat {loc} staat vol met scooters en accu's, als er brand komt kan niemand eruit"),
    ],
    "nooduitgang": [
        ("n", "Nooduitgang van {horeca} {loc} tijdens openingstijd afgesloten aangetroffen."),
    ],
    "gasgeur": [
        ("n", "Sterke gaslucht in de winkelstraat {loc}; ondernemers hebben hun zaak verlaten."),
        ("w", "het ruikt echt heel sterk naar gas in het trappenhuis {loc}"),
    ],
    "onveilig-gebouw": [
        ("n", "Bouwvallig pand {loc}: gevelstenen liggen los en het dak lekt."),
        ("w", "balkon hangt los bij de flat {loc}, kan zo naar beneden vallen"),
    ],
    "verkeer-winkelgebied": [
        ("n", "Bevoorradingsverkeer in de winkelstraat {loc} buiten de venstertijden; voetgangers moeten uitwijken."),
        ("w", "auto's rijden gewoon door de winkelstraat tussen de mensen door"),
    ],
    "drukte-markt-evenement": [
        ("n", "Te veel bezoekers op de markt {loc}: doorgangen geblokkeerd, geen ruimte voor hulpdiensten."),
        ("w", "braderie is levensgevaarlijk druk, mensen worden tegen de kramen gedrukt"),
    ],
    "agressie-personeel": [
        ("n", "Medewerker van {winkel} {loc} bedreigd door een klant die werd aangesproken op zijn gedrag."),
    ],
    "gaten-in-de-weg": [
        ("n", "Wegdek {loc} ligt open na werkzaamheden en is niet goed dichtgemaakt."),
        ("w", "diepe kuil in het fietspad {loc}, mijn band is lek"),
    ],
    "straatverlichting": [
        ("n", "Straatlantaarn {loc} knippert de hele nacht."),
        ("w", "hele straat donker, alle lampen uit {loc}"),
    ],
    "huisdier-kwijt": [
        ("n", "Weggelopen hond gevonden {loc}, we zoeken de eigenaar."),
    ],
    "vragen": [
        ("n", "Ik wil graag weten wanneer de nieuwe speeltuin {loc} klaar is."),
        ("w", "kan iemand me vertellen waar ik mijn oude kast kwijt kan"),
    ],
    "bomen-groen": [
        ("n", "Boomwortels drukken de tegels omhoog {loc}."),
        ("w", "takken hangen over het fietspad {loc}, je moet bukken"),
    ],
    "containers": [
        ("n", "Kliko niet geleegd {loc}."),
        ("w", "glasbak al een week vol {loc}"),
    ],
    "dieren-ongedierte": [
        ("n", "Ratten bij de containers {loc}."),
        ("w", "dode duif ligt al dagen op de stoep {loc}"),
    ],
    "verkeerslicht-borden": [
        ("n", "Verkeersbord {loc} is gedraaid en wijst de verkeerde kant op."),
    ],
    "speeltoestel-meubilair": [
        ("n", "Wip in de speeltuin {loc} is gebroken."),
    ],
    "gladheid-water": [
        ("n", "Wateroverlast op straat {loc} na elke regenbui."),
    ],
}

# Very short reports (two to five words, as typed in an app with the category already picked),
# so that short texts are not mostly OTHER (seed items) and "short" does not mean "OTHER".
SHORT_TEMPLATES = {
    "woninginbraak": ["inbraak {straat}", "ingebroken bij ons", "inbraak woning, deur geforceerd"],
    "verdachte-persoon-woning": ["verdachte man bij de huizen", "iemand loert in tuinen", "vreemde man bij voordeuren"],
    "auto-inbraak": ["auto opengebroken", "autoruit ingeslagen {straat}", "inbraak in mijn auto"],
    "fietsdiefstal": ["fiets gestolen", "mijn fiets is gestolen", "e-bike weg, slot doorgeknipt", "fiets gejat bij station"],
    "vandalisme": ["bushokje vernield", "alles kapotgemaakt in de speeltuin", "ruit ingegooid"],
    "geluidsoverlast": ["harde muziek buren", "geluidsoverlast {straat}", "buren feest tot 4 uur"],
    "afval-dumpen": ["afval gedumpt", "grofvuil naast container", "matras gedumpt {straat}"],
    "burenruzie": ["ruzie met de buren", "buurman bedreigt ons", "burenruzie"],
    "verward-dronken": ["dronken man op straat", "verwarde vrouw {straat}", "zwerver in portiek"],
    "intimidatie": ["man valt vrouwen lastig", "nagefloten en bedreigd", "straatintimidatie {straat}"],
    "loslopende-honden": ["loslopende hond", "hond beet mijn kind", "agressieve hond los"],
    "hardrijden": ["te hard gereden", "racen in woonwijk", "auto's scheuren door straat"],
    "verdacht-voertuig": ["verdacht busje", "auto rijdt rondjes", "verdachte auto met inzittenden"],
    "overige-buurt": ["hondenpoep overal", "wildplassers", "foutparkeerders stoep"],
    "hangjongeren": ["hangjongeren", "hangjongeren {plek_jeugd}", "jongeren hangen in portiek", "hangjeugd weer"],
    "scooters-intimidatie": ["scooterjongens", "jongeren op scooters", "fatbikes op de stoep"],
    "vechtpartij": ["vechtpartij jongeren", "jongens vechten", "knokpartij bij school"],
    "lachgas": ["lachgas", "lachgasballonnen", "lachgas in auto jongeren"],
    "drugs-alcohol-jongeren": ["jongeren blowen", "kinderen drinken alcohol", "tieners roken wiet"],
    "vuurwerk-naar-mensen": ["vuurwerk naar mensen", "jongeren gooien vuurwerk", "cobra naar hond gegooid"],
    "pesten-bedreigen": ["mijn zoon wordt gepest", "kinderen bedreigd", "jongeren pesten buurman"],
    "stenen-gooien": ["jongeren gooien stenen", "stenen naar de bus"],
    "hennepteelt": ["wietlucht", "hennepkwekerij", "wietplantage bij buren", "ramen afgeplakt, ruikt naar wiet"],
    "drugshandel": ["drugshandel", "dealer bij bushalte", "er wordt gedeald"],
    "korte-bezoekjes": ["veel aanloop bij nr {nr}", "korte bezoekjes", "steeds mensen aan de deur"],
    "drugsafval": ["vaten gedumpt", "drugsafval", "jerrycans met chemische lucht"],
    "dekmantel": ["dekmantel", "winkel zonder klanten", "witwaspraktijk"],
    "mensenhandel-prostitutie": ["illegale prostitutie", "mensenhandel", "uitbuiting arbeiders"],
    "overbewoning": ["overbewoning", "te veel bewoners", "huisjesmelker"],
    "motorclub": ["motorclub", "motorbende clubhuis", "outlaw bikers"],
    "afpersing": ["afpersing", "beschermingsgeld geeist", "ondernemer afgeperst"],
    "witwassen": ["witwassen", "alles contant betaald"],
    "woonfraude": ["woonfraude", "illegale onderhuur"],
    "verdachte-loods": ["verdachte loods", "rare loods bedrijventerrein"],
    "winkeldiefstal": ["winkeldief", "winkeldiefstal", "dief in de winkel", "winkeldief gepakt"],
    "overval": ["overval", "overval op winkel", "gewapende overval"],
    "zakkenrollers": ["zakkenroller", "portemonnee gerold", "tasjesdief markt"],
    "betaalfraude": ["vals geld", "betaalfraude", "nep betaalverzoek"],
    "bedrijfsinbraak": ["ramkraak", "inbraak winkel", "bedrijfsinbraak"],
    "brandgevaar": ["brandgevaar", "brandgevaarlijk", "rook uit meterkast"],
    "nooduitgang": ["nooduitgang geblokkeerd", "nooduitgang op slot", "vluchtroute versperd"],
    "gasgeur": ["gaslucht", "ruik gas", "gaslek"],
    "onveilig-gebouw": ["onveilig gebouw", "gevel valt naar beneden", "balkon los"],
    "verkeer-winkelgebied": ["vrachtwagen in winkelstraat", "auto's in voetgangersgebied", "laden en lossen gevaarlijk"],
    "drukte-markt-evenement": ["te druk op de markt", "gedrang bij evenement", "veel te druk bazaar"],
    "agressie-personeel": ["klant bedreigt personeel", "agressie in winkel"],
    "gaten-in-de-weg": ["gat in de weg", "losse tegels", "kuil in fietspad"],
    "straatverlichting": ["lantaarnpaal kapot", "straatlamp stuk", "licht doet het niet"],
    "huisdier-kwijt": ["kat vermist", "hond gevonden", "poes kwijt"],
    "vragen": ["vraag", "wanneer ophalen grofvuil?", "hoe werkt dit"],
    "bomen-groen": ["boom omgevallen", "takken op straat", "gras maaien"],
    "containers": ["container vol", "kliko kapot", "glasbak vol"],
    "dieren-ongedierte": ["ratten", "dode kat op straat", "wespennest"],
    "verkeerslicht-borden": ["stoplicht kapot", "verkeersbord om"],
    "speeltoestel-meubilair": ["schommel kapot", "bankje stuk"],
    "gladheid-water": ["glad", "riool verstopt"],
}

for _t in TOPICS:
    _t["templates"] = (_t["templates"] + EXTRA_TEMPLATES.pop(_t["name"], [])
                       + MORE_TEMPLATES.pop(_t["name"], [])
                       + [("k", t) for t in SHORT_TEMPLATES.pop(_t["name"], [])])
assert not MORE_TEMPLATES, "MORE_TEMPLATES names unknown topics: %s" % sorted(MORE_TEMPLATES)
assert not SHORT_TEMPLATES, "SHORT_TEMPLATES names unknown topics: %s" % sorted(SHORT_TEMPLATES)
assert not EXTRA_TEMPLATES, "EXTRA_TEMPLATES names unknown topics: %s" % sorted(EXTRA_TEMPLATES)
