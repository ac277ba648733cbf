#!/usr/bin/env python3
"""Generate data/dedup/pairs.jsonl: labelled report pairs for the "same incident?" decision.

Stdlib only, deterministic (fixed seed, no clock or environment input).

    python3 data/dedup/make_pairs.py            # write pairs.jsonl, print counts
    python3 data/dedup/make_pairs.py --check    # validate pairs.jsonl, exit 1 on a problem
    python3 data/dedup/make_pairs.py --stats    # print the count tables used in README.md

How it works (see README.md): every event TYPE below has hand-written Dutch report texts in
three registers ("s" short/WhatsApp, "m" plain app text, "f" long/formal), slots for the
details of one concrete event (who, what, where to), the places where it can happen, the
local hours at which it happens and the time gaps between reports of one event. A pair is
built from one event (label "same") or from two events (label "different") according to
its KIND. Places are real Beverwijk streets and areas; every reported point is checked
against the CBS 2015 buurt polygons of Beverwijk (GM0375) and re-drawn if it falls outside.
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import re
import sys
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

SEED = 20260375
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "pairs.jsonl")
BUURTEN = os.path.join(ROOT, "data", "areas", "ijmond_buurten_2015_wgs84.geojson")
WATCH_CSV = os.path.join(ROOT, "data", "categories", "watch_categories.csv")
SIGNALEN_CSV = os.path.join(ROOT, "data", "categories", "signalen_categories_amsterdam.csv")
TZ = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc

# How many pairs of each kind.
QUOTA = {
    "same_near": 50,        # one event, reports close in space and time
    "same_register": 50,    # one event, short WhatsApp-style text vs long formal text
    "same_category": 50,    # one event, the reporters picked different but related categories
    "same_gps": 50,         # one event, GPS points 80-150 m apart
    "same_longgap": 50,     # one lasting situation (or slow event) reported hours to days apart
    "diff_time": 75,        # same kind of thing, same spot, another occurrence (days or hours later)
    "diff_space": 70,       # same category, same minutes, other street 300-1500 m away
    "diff_kind": 70,        # two unrelated events in the same street at the same minutes
    "diff_easy": 35,        # different place, time and theme
}
TUNE_SHARE = 0.4

# Typical examples of some kinds (README "Labelling rules") get a fixed share of their kind;
# the rest is spread over themes.
FEATURED = {
    "diff_time": ["feest_woning"] * 4 + ["horeca_lawaai"] * 3 + ["winkeldiefstal"] * 5 + ["hangjongeren"] * 5,
    "diff_space": ["winkeldiefstal"] * 5 + ["zakkenroller"] * 2,
    "diff_kind": [("auto_inbraak", "loslopende_hond")] * 2 + [("vechtpartij", "gasgeur")] * 2,
    "same_category": ["inbraak_woning", "verdachte_persoon", "inbraak_woning"],
    "same_longgap": ["hennep"] * 3 + ["lantaarn"] * 3 + ["drugshandel"] * 2 + ["afval_dump"] * 2,
    "same_near": ["winkeldiefstal"] * 2,
}

LIV, YTH, SUB, PHB, OTH = "LIVEABILITY", "YOUTH", "SUBVERSION", "PHYSICAL_BUSINESS", "OTHER"
S = "signalen."

# ---------------------------------------------------------------------------------------------
# Places. lat/lng is a point on the street or in the area (checked against the CBS buurten).
# waar: how the place is written in a sentence; naam: the bare name for short texts;
# richting: where someone can run off to from there; r: radius (m) of event positions.

GENERIC_RES_DIRS = ["het achterpad in", "richting de doorgaande weg", "de hoek om",
                    "richting het park", "richting de bushalte"]

PLACES = {
    "breestraat_n": dict(lat=52.4879, lng=4.6576, r=60, waar="in de Breestraat", naam="Breestraat",
                         tags={"shop", "horeca", "centre", "hang"},
                         richting=["richting de Zeestraat", "richting de Meerstraat", "richting het Kuenenplein"]),
    "breestraat_s": dict(lat=52.4862, lng=4.6581, r=25, waar="in de Breestraat", naam="Breestraat",
                         tags={"shop", "horeca", "centre"},
                         richting=["de Meerstraat in", "de Zeestraat in", "richting het station"]),
    "zeestraat": dict(lat=52.4858, lng=4.6540, r=40, waar="in de Zeestraat", naam="Zeestraat",
                      tags={"shop", "horeca", "centre"},
                      richting=["richting de Breestraat", "richting de Plantage", "richting de Velsertraverse"]),
    "meerstraat": dict(lat=52.4835, lng=4.6581, r=60, waar="in de Meerstraat", naam="Meerstraat",
                       tags={"shop", "centre"},
                       richting=["richting het Meerplein", "richting de Breestraat", "richting het station"]),
    "meerplein": dict(lat=52.4815, lng=4.6582, r=25, waar="op het Meerplein", naam="Meerplein",
                      tags={"shop", "horeca", "centre", "hang", "parking"},
                      richting=["richting het station", "de Meerstraat in", "richting de Koningstraat"]),
    "station": dict(lat=52.4783, lng=4.6558, r=30, waar="bij station Beverwijk", naam="station",
                    tags={"station", "hang", "parking", "road", "shop"},
                    richting=["de tunnel onder het spoor door", "richting het centrum", "richting de bushaltes",
                              "richting het Meerplein"]),
    "kuenenplein": dict(lat=52.4936, lng=4.6566, r=60, waar="op het Kuenenplein", naam="Kuenenplein",
                        tags={"shop", "hang", "parking", "res"},
                        richting=["richting de Westertuinen", "richting de Breestraat", "richting de flats",
                                  "richting de Wijkerbaan"]),
    "bazaar": dict(lat=52.4765, lng=4.6720, r=80, waar="op de Beverwijkse Bazaar", naam="Bazaar",
                   tags={"market", "shop", "parking"},
                   richting=["richting de parkeerplaats", "richting het station", "de hallen in"]),
    "waz_dorp": dict(lat=52.4932, lng=4.5965, r=60, waar="op het Dorpsplein in Wijk aan Zee", naam="Wijk aan Zee",
                     tags={"village", "horeca", "shop", "res"},
                     richting=["richting het strand", "richting de Relweg", "de duinen in"]),
    "waz_strand": dict(lat=52.4950, lng=4.5900, r=60, waar="bij de strandopgang in Wijk aan Zee",
                       naam="strand Wijk aan Zee", tags={"park", "hang"},
                       richting=["het strand op", "richting het dorp", "de duinen in"]),
    "waz_relweg": dict(lat=52.4905, lng=4.6040, r=80, waar="aan de Relweg", naam="Relweg",
                       tags={"road", "dump"}, richting=["richting Wijk aan Zee", "richting Beverwijk"]),
    "warande": dict(lat=52.4872, lng=4.6432, r=90, waar="in de Warande", naam="Warande",
                    tags={"res", "park", "hang"}, richting=GENERIC_RES_DIRS),
    "dehorn": dict(lat=52.4912, lng=4.6465, r=60, waar="in De Horn", naam="De Horn",
                   tags={"res"}, richting=GENERIC_RES_DIRS),
    "vondellaan": dict(lat=52.4805, lng=4.6470, r=120, waar="aan de Vondellaan", naam="Vondellaan",
                       tags={"res"}, richting=GENERIC_RES_DIRS),
    "westerhout": dict(lat=52.4840, lng=4.6350, r=120, waar="in park Westerhout", naam="Westerhout",
                       tags={"park", "hang"}, richting=["het park uit", "richting de speeltuin", "het fietspad op"]),
    "creutzberglaan": dict(lat=52.4935, lng=4.6400, r=120, waar="aan de Creutzberglaan", naam="Creutzberglaan",
                           tags={"res"}, richting=GENERIC_RES_DIRS),
    "binnenduinrandweg": dict(lat=52.4925, lng=4.6330, r=100, waar="langs de Binnenduinrandweg",
                              naam="Binnenduinrandweg", tags={"road", "dump"},
                              richting=["richting Heemskerk", "richting Wijk aan Zee"]),
    "velsertraverse": dict(lat=52.4850, lng=4.6500, r=60, waar="op de Velsertraverse", naam="Velsertraverse",
                           tags={"road"}, richting=["richting het station", "richting de Plantage"]),
    "plantage": dict(lat=52.4888, lng=4.6505, r=70, waar="in de Plantage", naam="Plantage",
                     tags={"res"}, richting=GENERIC_RES_DIRS),
    "oostertuinen": dict(lat=52.4912, lng=4.6530, r=80, waar="in de Oostertuinen", naam="Oostertuinen",
                         tags={"res"}, richting=GENERIC_RES_DIRS),
    "westertuinen": dict(lat=52.4960, lng=4.6515, r=100, waar="in de Westertuinen", naam="Westertuinen",
                         tags={"res", "hang"}, richting=GENERIC_RES_DIRS),
    "burgerhart": dict(lat=52.4887, lng=4.6592, r=40, waar="in de Burgerhartstraat", naam="Burgerhartstraat",
                       tags={"res"}, richting=GENERIC_RES_DIRS),
    "koningstraat": dict(lat=52.4825, lng=4.6570, r=50, waar="in de Koningstraat", naam="Koningstraat",
                         tags={"res", "shop"}, richting=["richting het Meerplein", "richting de Meerstraat"]),
    "reguliersstraat": dict(lat=52.4866, lng=4.6622, r=30, waar="in de Reguliersstraat", naam="Reguliersstraat",
                            tags={"res"}, richting=GENERIC_RES_DIRS),
    "oranjebuurt": dict(lat=52.4878, lng=4.6650, r=60, waar="in de Oranjebuurt", naam="Oranjebuurt",
                        tags={"res"}, richting=GENERIC_RES_DIRS),
    "zwaansmeer": dict(lat=52.4885, lng=4.6725, r=120, waar="in Zwaansmeer", naam="Zwaansmeer",
                       tags={"res", "hang"}, richting=GENERIC_RES_DIRS),
    "oosterwijk": dict(lat=52.4925, lng=4.6765, r=120, waar="in Oosterwijk", naam="Oosterwijk",
                       tags={"res"}, richting=GENERIC_RES_DIRS),
    "overbos": dict(lat=52.4920, lng=4.6655, r=80, waar="in Overbos", naam="Overbos",
                    tags={"res"}, richting=GENERIC_RES_DIRS),
    "wijkerbaan": dict(lat=52.4950, lng=4.6625, r=100, waar="aan de Wijkerbaan", naam="Wijkerbaan",
                       tags={"res", "road"}, richting=GENERIC_RES_DIRS),
    "fokkerlaan": dict(lat=52.4970, lng=4.6690, r=80, waar="aan de Fokkerlaan", naam="Fokkerlaan",
                       tags={"res"}, richting=GENERIC_RES_DIRS),
    "bleriotlaan": dict(lat=52.4992, lng=4.6630, r=80, waar="aan de Bleriotlaan", naam="Bleriotlaan",
                        tags={"res"}, richting=GENERIC_RES_DIRS),
    "wijkerbroek": dict(lat=52.4850, lng=4.6880, r=200, waar="in Wijkerbroek", naam="Wijkerbroek",
                        tags={"res", "hang"}, richting=GENERIC_RES_DIRS),
    "depijp": dict(lat=52.4745, lng=4.6690, r=150, waar="op bedrijventerrein De Pijp", naam="De Pijp",
                   tags={"industrial", "dump"}, richting=["richting de snelweg", "richting het station"]),
    "kagerweg": dict(lat=52.4660, lng=4.6740, r=200, waar="aan de Kagerweg", naam="Kagerweg",
                     tags={"industrial", "dump", "road"}, richting=["richting de snelweg", "richting De Pijp"]),
}
BUSINESS_TAGS = {"shop", "horeca", "market", "industrial", "village"}

# ---------------------------------------------------------------------------------------------
# Event types. Keys:
#   theme, cat (primary category code; a slot value may override it with "cat"), alt (related
#   codes a second reporter may pick), family (types of one family are never paired as
#   diff_kind), places (place tags or place keys), hours (local clock, list of [from, to) ranges),
#   gap (minutes between two reports of one event), long (minutes, for same_longgap; None when
#   the texts only fit reports made close together), recur (days between two occurrences at one
#   spot, for diff_time; None if a dispatcher would call a repeat the same situation),
#   sameday (diff_time may use another occurrence on the same day, hours apart),
#   weekdays (allowed weekdays of the night/day, Mon=0), months, fixed (slots that belong to the
#   spot and stay the same over occurrences), per_report (slots drawn for every report),
#   slots, texts: (register, role, text). role R = resident, E = entrepreneur, * = either.

TYPES = {}


def T(name, **kw):
    kw.setdefault("alt", [])
    kw.setdefault("long", None)
    kw.setdefault("recur", None)
    kw.setdefault("sameday", None)
    kw.setdefault("weekdays", None)
    kw.setdefault("months", None)
    kw.setdefault("fixed", [])
    kw.setdefault("per_report", [])
    kw.setdefault("slots", {})
    kw.setdefault("ident", [])        # slots that must differ between two events in diff_space
    kw.setdefault("recur_ident", [])  # slots that must differ between two occurrences in diff_time
    kw.setdefault("no_space", False)  # mobile (vehicles, scooters): never used for diff_space
    TYPES[name] = kw


# ---------------------------------------------------------------- LIVEABILITY
T("inbraak_woning", ident=["dader"], theme=LIV, family="burglary", cat="inbraak-woning",
  alt=["verdachte-persoon-bij-woning"], places={"res"}, hours=[(19, 24), (0, 4)],
  gap=(2, 40), recur=(6, 30),
  slots=dict(
      dader=["twee mannen in donkere kleding", "een man met een capuchon op", "een jongen met een rugzak",
             "twee jongens met mondkapjes", "een lange man in een zwart jack"],
      toegang=["de achterdeur", "het keukenraam", "de schuurdeur", "de voordeur", "het slaapkamerraam"],
      vlucht=["over de schutting", "door het achterpad", "op een scooter", "te voet", "in een grijze auto"]),
  texts=[
      ("s", "R", "inbraak bij de buren!! {toegang} staat open, politie is gebeld"),
      ("s", "R", "ze zijn bij ons binnen geweest. {toegang} opengebroken. {naam}"),
      ("s", "R", "net {dader} {vlucht} zien wegvluchten, denk inbraak bij de buren"),
      ("m", "R", "Hoorde glas breken bij het huis naast ons {waar}. Daarna zag ik {dader} {vlucht} verdwijnen. De bewoners zijn op vakantie."),
      ("m", "R", "Bij ons is ingebroken via {toegang}. Laptop en sieraden weg, overal modder in huis. We wonen {waar}."),
      ("m", "R", "Alarm gaat af bij het hoekhuis {waar}, {toegang} is opengebroken. Een buurman zag {dader} {vlucht} weggaan."),
      ("f", "R", "Graag meld ik een inbraak in een eengezinswoning {waar}. Via {toegang} is de woning binnengedrongen. Een buurtbewoner zag kort daarna {dader} {vlucht} vertrekken. De politie is inmiddels op de hoogte gebracht."),
      ("f", "R", "Hierbij meld ik een inbraak bij mijn bovenburen {waar}. {Toegang} is geforceerd en stond open toen ik thuiskwam. Ik heb niets aangeraakt en wacht op de politie. Mogelijk heeft iemand {dader} gezien."),
  ])

T("verdachte_persoon", ident=["dader"], theme=LIV, family="burglary", cat="verdachte-persoon-bij-woning",
  alt=["inbraak-woning"], places={"res"}, hours=[(16, 23)],
  gap=(3, 40), recur=(2, 9),
  slots=dict(
      dader=["een man in een oranje hesje", "een man met een klembord", "een jongen met een rugzak en capuchon",
             "een man in een donkerblauw trainingspak", "een oudere man met een leren tas"],
      actie=["aan deurklinken voelt", "bij iedereen aanbelt met een vaag verhaal", "over de schuttingen in de tuinen kijkt",
             "foto's maakt van de huizen", "door de ramen naar binnen kijkt"]),
  texts=[
      ("s", "R", "verdacht figuur {naam}, {dader} die {actie}"),
      ("s", "R", "let op!! {dader} loopt al een half uur door de achterpaden hier {naam}"),
      ("m", "R", "Er loopt {dader} {waar} die {actie}. Ziet er niet pluis uit, hij kijkt steeds achterom."),
      ("m", "R", "Hier {waar} is iemand die {actie}: {dader}. Ik houd hem in de gaten vanachter het raam."),
      ("f", "R", "Ik wil graag melden dat er {waar} al enige tijd {dader} rondloopt die {actie}. Bij mijn buurvrouw stond hij opvallend lang bij het keukenraam. Misschien is het onschuldig, maar gezien de inbraken in de buurt meld ik het toch."),
      ("f", "R", "Melding verdachte situatie {waar}: {dader} gaat langs de woningen. Ik zag dat hij {actie}. Toen ik hem aansprak liep hij snel weg {richting}."),
      ("s", "R", "weer zon gast die {actie}. {naam}. buurtapp is al gewaarschuwd"),
  ])

T("auto_inbraak", ident=["auto"], theme=LIV, family="burglary", cat="auto-inbraak",
  alt=["vandalisme", "verdachte-persoon-bij-woning"], places={"res", "parking"}, hours=[(21, 24), (0, 6)],
  gap=(2, 30), recur=(3, 21),
  slots=dict(
      auto=["een zwarte Golf", "een witte bestelbus", "een grijze Toyota", "een rode Polo", "een blauwe Peugeot"],
      buit=["de airbag", "het navigatiescherm", "een tas van de achterbank", "het stuurwiel", "de radio"],
      dader=["twee jongens op een scooter", "twee mannen met een zaklamp", "twee mannen in donkere kleding",
             "drie jongens met capuchons"]),
  texts=[
      ("s", "R", "auto opengebroken {naam}!! ruit van {auto} ingeslagen"),
      ("s", "R", "ze zijn bezig bij {auto} {naam}, ik hoor glas. {dader}"),
      ("m", "R", "Zag net {dader} bij {auto} {waar}. Zijruit kapot, volgens mij hebben ze {buit} meegenomen."),
      ("m", "R", "Bij {auto} op de parkeerplaats {waar} is de ruit ingeslagen. Er ligt overal glas. {Buit} lijkt weg."),
      ("f", "R", "Ik meld een inbraak in een geparkeerde auto {waar}. Het gaat om {auto}; de zijruit is ingeslagen en {buit} is verwijderd. Ik werd wakker van het geluid en zag {dader} weglopen {richting}."),
      ("f", "R", "Zojuist werd ik opgeschrikt door een harde knal. Bij {auto} voor mijn woning {waar} stonden {dader} in de auto te rommelen. Toen ik het licht aandeed zijn ze {richting} vertrokken."),
      ("m", "R", "Mijn auto is opengebroken {waar}. Het is {auto}, ruit ingeslagen, {buit} gestolen. Camera van de buren heeft misschien iets."),
  ])

T("fietsdiefstal", ident=["fiets", "dader"], theme=LIV, family="theft_street", cat="fietsdiefstal",
  places={"station", "breestraat_n", "kuenenplein", "meerplein", "bazaar", "zeestraat"}, hours=[(7, 23)],
  gap=(2, 20), recur=(1, 12), sameday=(3, 8),
  slots=dict(
      fiets=["zwarte e-bike", "blauwe Gazelle", "rode omafiets", "grijze mountainbike", "bakfiets met regenhuif"],
      dader=["een jongen in een groene jas", "twee jongens met een sporttas", "een man met een betonschaar",
             "een oudere man met een petje"],
      slot=[dict(slot="het kettingslot doorgeknipt", slot_ptc="het kettingslot doorgeknipt"),
            dict(slot="het ringslot opengebroken", slot_ptc="het ringslot opengebroken"),
            dict(slot="het slot kapotgetrokken", slot_ptc="het slot kapotgetrokken")]),
  texts=[
      ("s", "R", "fiets gejat bij {naam}!!"),
      ("s", "R", "mn {fiets} is weg bij {naam}, slot kapot. wie heeft iets gezien"),
      ("m", "R", "Mijn {fiets} is net gestolen {waar}. Stond er maar een kwartier. Ze hebben {slot}."),
      ("m", "R", "Zag net {dader} met een {fiets} wegrijden {waar}, terwijl er nog een stuk ketting aan hing. Volgens mij gestolen."),
      ("f", "R", "Hierbij doe ik melding van diefstal van mijn {fiets} {waar}. De dader heeft {slot}. Een omstander zag {dader} {richting} wegfietsen."),
      ("f", "R", "Ik zag zojuist hoe {dader} bij de fietsenstalling {waar} er met een {fiets} vandoor ging. Volgens mij was {slot_ptc}. De eigenaar was nergens te zien."),
      ("m", "E", "Voor onze winkel {waar} is zojuist een {fiets} van een klant gestolen. {Dader} ging ervandoor {richting}."),
  ])

T("vandalisme", theme=LIV, family="vandalism", cat="vandalisme",
  alt=[S + "wegen-verkeer-straatmeubilair.straatmeubilair", S + "schoon.graffitiwildplak"],
  places={"res", "park", "station", "kuenenplein"}, hours=[(20, 24)], gap=(5, 60), recur=(7, 40),
  slots=dict(
      obj=[dict(obj="het bushokje", isz="is"), dict(obj="de spiegels van de geparkeerde auto's", isz="zijn"),
           dict(obj="het bankje bij de speeltuin", isz="is"), dict(obj="de plantenbakken", isz="zijn"),
           dict(obj="de ruit van het buurthuis", isz="is")],
      dader=["een groepje jongeren", "drie jongens", "twee dronken mannen"]),
  texts=[
      ("s", "R", "{obj} {naam} weer kapot, overal glas"),
      ("s", "R", "ze zijn {obj} aan het slopen {naam}!!"),
      ("m", "R", "Net gezien hoe {dader} {obj} {waar} vernielden. Ze renden weg {richting} toen er een auto aankwam."),
      ("m", "R", "{Obj} {waar} {isz} compleet vernield. Glas op de stoep, gevaarlijk voor kinderen en honden."),
      ("f", "R", "Ik meld vernieling van {obj} {waar}. Ik hoorde harde klappen en zag {dader} wegrennen {richting}. Graag laten opruimen en herstellen."),
      ("f", "R", "Vanavond {isz} {obj} {waar} met opzet vernield door {dader}. Ik heb het vanuit mijn woning gezien en kan de personen zo nodig beschrijven."),
      ("m", "R", "Vernieling {waar}: {obj}. Weer die jongens van vorige week denk ik."),
  ])

T("feest_woning", theme=LIV, family="noise", cat=S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen",
  alt=[S + "overlast-in-de-openbare-ruimte.stank-geluidsoverlast"], places={"res"},
  hours=[(22, 24), (0, 3)], weekdays=[4, 5], gap=(10, 90), long=(100, 240), recur=(7, 7),
  fixed=["bron"],
  slots=dict(
      bron=["het studentenhuis", "de bovenwoning op de hoek", "het huis met de tuinverlichting", "de benedenburen",
            "het huis met de partytent in de tuin"],
      muziek=["harde bassen", "keiharde muziek", "geschreeuw en muziek", "een dj-set in de tuin"]),
  texts=[
      ("s", "R", "pff {muziek} bij {bron}, {naam}. kan iemand wat doen"),
      ("s", "R", "weer feest bij {bron}. niet normaal dit"),
      ("m", "R", "Al een uur {muziek} uit {bron} {waar}. Mijn kinderen kunnen niet slapen en aanbellen helpt niet."),
      ("m", "R", "Geluidsoverlast {waar}: {muziek} bij {bron}. Veel mensen buiten aan het roken en schreeuwen."),
      ("f", "R", "Hierbij meld ik ernstige geluidsoverlast {waar}. Vanuit {bron} komt al de hele avond {muziek}. Ik heb de bewoners vriendelijk gevraagd het zachter te zetten, zonder resultaat."),
      ("f", "R", "Graag uw aandacht voor de aanhoudende overlast bij {bron} {waar}. Er is opnieuw een feest met {muziek}; dit gebeurt bijna elk weekend. Ik verzoek u handhaving langs te sturen."),
      ("m", "R", "Horen meer mensen {muziek} {waar}? Het komt van {bron}. Ik lig al twee uur wakker."),
  ])

T("horeca_lawaai", theme=LIV, family="noise", cat=S + "overlast-bedrijven-en-horeca.geluidsoverlast-muziek",
  alt=[S + "overlast-bedrijven-en-horeca.overlast-door-bezoekers-niet-op-terras",
       S + "overlast-bedrijven-en-horeca.overlast-terrassen"],
  places={"horeca"}, hours=[(23, 24), (0, 3)], weekdays=[4, 5], gap=(5, 60), long=(90, 180), recur=(7, 7),
  fixed=["zaak"],
  slots=dict(
      zaak=["het café", "de kroeg op de hoek", "de shishalounge", "het eetcafé"],
      wat=["de deuren staan open en de muziek dreunt door", "bezoekers staan buiten te schreeuwen",
           "er wordt op straat gezongen en met flessen gegooid", "de bas dreunt door tot in onze slaapkamer"]),
  texts=[
      ("s", "R", "{zaak} {naam} weer veel te hard. {wat}"),
      ("m", "R", "Overlast van {zaak} {waar}: {wat}. Sluitingstijd is toch allang voorbij?"),
      ("f", "R", "Ik woon boven de winkels {waar} en heb opnieuw overlast van {zaak}. {Wat}. Wilt u dit doorgeven aan de handhavers die dienst hebben?"),
      ("m", "E", "Ik heb een zaak {waar} en woon erboven. Last van {zaak} naast ons: {wat}. Onze gevel wordt ook nog bekogeld."),
      ("s", "R", "herrie bij {zaak} {naam}, {wat}"),
      ("f", "R", "Melding geluidsoverlast horeca {waar}. Bij {zaak}: {wat}. Dit is al het derde weekend op rij."),
  ])

T("afval_dump", theme=LIV, family="waste", cat=S + "afval.grofvuil",
  alt=[S + "afval.container-bijplaatsing", S + "overlast-in-de-openbare-ruimte.hinderlijk-geplaatst-object"],
  places={"res"}, hours=[(7, 21)], gap=(30, 300), long=(300, 1800), recur=(7, 21), fixed=["plek"],
  slots=dict(
      spul=[dict(spul="een koelkast", cat=S + "afval.bruin-en-witgoed"),
            dict(spul="een oude bank en een matras", cat=S + "afval.grofvuil"),
            dict(spul="een wasmachine", cat=S + "afval.bruin-en-witgoed"),
            dict(spul="zakken bouwafval", cat=S + "afval.puin-sloopafval"),
            dict(spul="een berg vuilniszakken", cat=S + "afval.container-bijplaatsing"),
            dict(spul="een kapotte kast en planken", cat=S + "afval.grofvuil")],
      plek=["naast de ondergrondse containers", "bij de glasbak", "op de stoep bij het speeltuintje",
            "in de groenstrook"]),
  texts=[
      ("s", "R", "iemand heeft {spul} gedumpt {plek} {naam}"),
      ("s", "R", "{spul} {plek}, {naam}. wie ruimt dit op"),
      ("m", "R", "Er staat sinds vanochtend {spul} {plek} {waar}. Het blokkeert half de stoep."),
      ("m", "R", "Weer illegaal afval {waar}: {spul} {plek}. Kinderen klimmen erop."),
      ("f", "R", "Graag melding van illegaal gedumpt afval {waar}. Het betreft {spul}, neergezet {plek}. Ik heb niet gezien wie het heeft achtergelaten. Wilt u het laten ophalen?"),
      ("f", "R", "Bij deze wil ik melden dat iemand {plek} {waar} {spul} heeft achtergelaten. Het is geen ophaaldag voor grofvuil, dus het lijkt gedumpt."),
      ("m", "R", "{Spul} gedumpt {plek} {waar}. Graag ophalen voordat het gaat regenen."),
  ])

T("burenruzie", theme=LIV, family="dispute", cat="intimidatie",
  alt=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen"],
  places={"res"}, hours=[(16, 23)], gap=(3, 30), recur=(3, 14), fixed=["wie"],
  slots=dict(
      wie=["twee buurmannen", "de bewoners van de boven- en de benedenwoning", "twee families", "de buren van de hoek"],
      waarover=["een parkeerplek", "de schutting", "een blaffende hond", "herrie"]),
  texts=[
      ("s", "R", "ruzie op straat {naam}, {wie} gaan elkaar te lijf"),
      ("m", "R", "{Wie} staan {waar} keihard tegen elkaar te schreeuwen over {waarover}. Er wordt geduwd, ik ben bang dat het uit de hand loopt."),
      ("f", "R", "Ik meld een escalerend burenconflict {waar}. {Wie} hebben al maanden onenigheid over {waarover} en nu wordt er op straat gedreigd en geduwd. Er staan kinderen bij te kijken."),
      ("m", "R", "Burenruzie {waar}, het gaat over {waarover}. Een van de mannen heeft een stok in zijn hand."),
      ("s", "R", "weer gedoe tussen {wie} hier. nu met een stok"),
      ("f", "R", "Vanuit mijn raam zie ik een hoogoplopende ruzie tussen {wie} {waar}. Het gaat volgens mij om {waarover}. Er wordt gescholden en met spullen gegooid."),
  ])

T("verward_persoon", ident=["persoon"], theme=LIV, family="person", cat="verward-persoon",
  alt=[S + "overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen", "intimidatie"],
  places={"station", "breestraat_n", "meerplein", "kuenenplein", "park", "res"}, hours=[(8, 24)], gap=(3, 30),
  slots=dict(
      persoon=["een man zonder jas", "een oudere vrouw op pantoffels", "een jonge man met ontbloot bovenlijf",
               "een man met een winkelwagen vol spullen"],
      gedrag=["loopt tegen mensen te schreeuwen", "loopt midden op de weg", "praat in zichzelf en slaat tegen ramen",
              "lijkt de weg kwijt en is erg in de war"]),
  texts=[
      ("s", "R", "verward persoon {naam}: {persoon}, {gedrag}"),
      ("m", "R", "Er staat {persoon} {waar}. Die persoon {gedrag}. Volgens mij is er hulp nodig."),
      ("f", "R", "Ik maak me zorgen om {persoon} {waar}. De persoon {gedrag} en reageert niet als je iets vraagt. Graag iemand sturen die kan helpen."),
      ("m", "E", "Bij onze winkel {waar} staat {persoon}. Die {gedrag}, klanten durven niet naar binnen."),
      ("s", "R", "iemand hier {naam} {gedrag}. politie?"),
      ("f", "R", "Melding: {persoon} {waar} {gedrag}. Het lijkt me een verward persoon, mogelijk onder invloed. Ik blijf op afstand in de buurt."),
      ("m", "R", "{Persoon} {gedrag} {waar}. Kan iemand van de gemeente of politie even kijken?"),
  ])

T("loslopende_hond", ident=["hond"], theme=LIV, family="animal", cat=S + "overlast-van-en-door-personen-of-groepen.loslopende-agressieve-honden",
  alt=[S + "overlast-van-dieren.overig-dieren"], places={"res", "park", "village"}, hours=[(7, 23)], gap=(3, 40),
  slots=dict(
      hond=["een grote zwarte hond", "een bruine pitbull", "een husky zonder halsband", "een witte herder"],
      gedrag=["rent achter fietsers aan", "heeft naar een kind gehapt", "valt andere honden aan",
              "loopt tussen de auto's door"]),
  texts=[
      ("s", "R", "loslopende hond {naam}!! {hond}, {gedrag}"),
      ("m", "R", "Er loopt {hond} los {waar}. Hij {gedrag}. Geen baasje te zien."),
      ("f", "R", "Ik wil melden dat er {waar} {hond} zonder begeleiding rondloopt. Het dier {gedrag} en lijkt agressief. Ik heb mijn kinderen naar binnen gehaald."),
      ("s", "R", "pas op, {hond} los {naam}. {gedrag}"),
      ("m", "R", "{Hond} {gedrag} {waar}. Wie is de eigenaar? Echt gevaarlijk zo."),
      ("f", "R", "Melding loslopende hond: {hond} {waar}. Het dier {gedrag}. Een voorbijganger probeerde hem te vangen, zonder succes."),
  ])

T("hardrijden", no_space=True, theme=LIV, family="traffic", cat="hardrijden-woonwijk",
  alt=["verdacht-voertuig", S + "wegen-verkeer-straatmeubilair.verkeersoverlast"],
  places={"res", "road"}, hours=[(19, 24), (0, 2)], gap=(3, 40), recur=(1, 7),
  slots=dict(
      auto=["een zwarte BMW", "een witte Audi", "een matgrijze Golf", "een oranje sportauto", "een rode Seat"],
      wat=["scheurt met gierende banden door de straat", "rijdt steeds rondjes met veel te hoge snelheid",
           "laat zijn uitlaat knallen en trekt vol op", "haalt andere auto's in over de stoep"]),
  texts=[
      ("s", "R", "{auto} {wat} {naam}. levensgevaarlijk"),
      ("s", "R", "racer {naam}, {auto}. ik hoor m al voor de derde keer"),
      ("m", "R", "{Auto} {wat} {waar}. Er spelen hier kinderen, dit gaat een keer mis."),
      ("f", "R", "Ik meld gevaarlijk rijgedrag {waar}. {Auto} {wat}. Dit gebeurt vaker in de avonden; het kenteken kon ik niet lezen."),
      ("m", "R", "Bestuurder van {auto} {wat} {waar}. Zeker 80 waar je 30 mag."),
      ("f", "R", "Graag aandacht voor het rijgedrag {waar}. {Auto} {wat}. Ik heb het vanaf mijn balkon gezien; daarna reed de auto weg richting de doorgaande weg."),
  ])

T("verdacht_voertuig", no_space=True, theme=LIV, family="burglary", cat="verdacht-voertuig",
  alt=["verdachte-persoon-bij-woning"], places={"res", "industrial"}, hours=[(9, 23)], gap=(5, 60),
  slots=dict(
      voertuig=["een wit busje zonder ramen", "een donkere auto met een buitenlands kenteken",
                "een bestelbus met geblindeerde ramen", "een zilveren stationwagen"],
      wat=["staat al uren stil met twee mannen erin", "rijdt langzaam rondjes door de wijk",
           "staat met draaiende motor bij het speelveldje", "stopt steeds bij huizen waar niemand thuis lijkt"]),
  texts=[
      ("s", "R", "verdacht voertuig {naam}: {voertuig}, {wat}"),
      ("m", "R", "{Voertuig} {wat} {waar}. Iemand een idee van wie dat is?"),
      ("f", "R", "Ik wil melding maken van {voertuig} {waar}. Het voertuig {wat}. Het kenteken heb ik genoteerd en kan ik doorgeven."),
      ("s", "R", "{voertuig} {wat} hier {naam}, niet pluis"),
      ("f", "R", "Opvallende situatie {waar}: {voertuig} {wat}. Mijn buren vinden het ook vreemd. Graag laten controleren."),
      ("m", "R", "Al een tijd {voertuig} {waar}, {wat}. Ik heb er een foto van gemaakt."),
  ])

# ---------------------------------------------------------------- YOUTH
T("hangjongeren", theme=YTH, family="youth_group", cat="hangjongeren",
  alt=[S + "overlast-van-en-door-personen-of-groepen.jongerenoverlast", "lachgas-drugs-jongeren"],
  places={"hang"}, hours=[(19, 24)], gap=(5, 90), long=(120, 200), recur=(2, 5), fixed=["plek"],
  slots=dict(
      plek=["bij de bankjes", dict(plek="in het portiek van de flat", only={"res"}),
            dict(plek="bij het speeltuintje", only={"res", "park"}),
            dict(plek="onder de overkapping", only={"station", "shop", "market"}),
            dict(plek="bij de snackbar", only={"shop", "horeca"})],
      aantal=["een stuk of tien jongeren", "een groep van zes, zeven jongens", "een groepje jongeren",
              "ongeveer vijftien jongeren"],
      wat=["harde muziek uit een speaker", "blikjes en lachgaspatronen op de grond",
           "voorbijgangers worden uitgescholden", "ze zitten op hun scooters te toeteren"]),
  texts=[
      ("s", "R", "weer hangjongeren {plek} {naam}. {wat}"),
      ("s", "R", "groep jongens {plek}, {naam}. echt irritant"),
      ("m", "R", "Er hangt {aantal} {plek} {waar}. {Wat}. Ik durf er niet langs met de hond."),
      ("f", "R", "Ik meld overlast van {aantal} {plek} {waar}. {Wat}. Dit speelt al weken, vooral in de avond."),
      ("m", "E", "{Aantal} {plek} voor mijn zaak {waar}. Klanten voelen zich niet veilig, {wat}."),
      ("f", "R", "Graag aandacht voor de jongerenoverlast {waar}. Op dit moment zit {aantal} {plek}; {wat}. Ik heb ze aangesproken maar kreeg een grote mond."),
      ("m", "R", "{Wat} {plek} {waar}. Dezelfde groep als altijd."),
  ])

T("scooters", no_space=True, theme=YTH, family="youth_group", cat="intimiderende-jongeren-scooter",
  alt=["hardrijden-woonwijk", "hangjongeren"], places={"res", "station", "park", "kuenenplein", "breestraat_n"},
  hours=[(16, 24)], gap=(3, 30), recur=(2, 7),
  slots=dict(
      scooters=["drie scooters", "twee scooters met elk twee jongens", "een groepje op fatbikes en scooters",
                "vier jongens op brommers"],
      wat=["rijden over de stoep en snijden voetgangers", "rijden rakelings langs mensen en roepen dingen",
           "rijden rondjes en scheuren over het fietspad", "blokkeren de doorgang en dagen mensen uit"]),
  texts=[
      ("s", "R", "{scooters} {naam} {wat}. gevaarlijk!"),
      ("m", "R", "{Scooters} {wat} {waar}. Een oudere dame viel bijna."),
      ("f", "R", "Melding van intimiderend rijgedrag {waar}: {scooters} {wat}. Dit gebeurt bijna dagelijks rond deze tijd en mensen durven er niet meer langs."),
      ("s", "R", "die scooterjongens weer {naam}, {wat}"),
      ("m", "E", "Voor de deur van mijn winkel {waar}: {scooters} {wat}. Klanten schrikken zich rot."),
      ("f", "R", "Ik wil melden dat jongeren op scooters {waar} voor onveilige situaties zorgen. Het gaat om {scooters}; ze {wat}. Mijn zoontje van acht durft niet meer alleen naar buiten."),
  ])

T("vechtpartij", ident=["wie"], theme=YTH, family="youth_group", cat="vechtpartij-jongeren",
  alt=["intimidatie", "hangjongeren"], places={"station", "kuenenplein", "park", "breestraat_n", "meerplein", "waz_dorp"},
  hours=[(15, 24)], gap=(1, 12), recur=(5, 14),
  slots=dict(
      wie=["een stuk of acht jongeren", "twee groepen jongens", "twee meiden", "twee jongens van een jaar of vijftien"],
      detail=["iemand ligt op de grond", "er wordt met een fietsslot geslagen", "er wordt geschopt en geslagen",
              "iemand bloedt aan het hoofd"]),
  texts=[
      ("s", "R", "vechtpartij {naam}!! {detail}"),
      ("s", "R", "knokpartij bij {naam} nu, {wie}. bel iemand"),
      ("m", "R", "Er is een vechtpartij {waar} tussen {wie}. {Detail}. Iemand heeft 112 gebeld denk ik."),
      ("f", "R", "Ik ben getuige van een vechtpartij {waar}. Het gaat om {wie}; {detail}. De groep verplaatst zich {richting}."),
      ("m", "E", "Voor onze winkel {waar} is een gevecht uitgebroken, {wie}. {Detail}. We hebben de deur dichtgedaan."),
      ("f", "R", "Melding geweld {waar}: {wie} zijn met elkaar op de vuist gegaan. {Detail}. Er wordt veel gefilmd met telefoons."),
      ("m", "R", "{Detail}! Gevecht {waar}, {wie}. Waar blijft de politie"),
  ])

T("lachgas", ident=["wie"], theme=YTH, family="youth_group", cat="lachgas-drugs-jongeren",
  alt=["hangjongeren", S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast"],
  places={"parking", "park", "waz_strand", "kuenenplein", "westertuinen"}, hours=[(20, 24), (0, 2)],
  gap=(5, 60), long=(120, 240), recur=(2, 10), fixed=["plek"],
  slots=dict(
      wat=["zitten in een auto ballonnen te vullen", "gebruiken lachgas uit grote cilinders",
           "laten de ballonnen rondgaan", "blowen en gooien de patronen op straat"],
      wie=["een groepje jongeren", "vier jongens", "een groepje meiden en jongens"],
      plek=[dict(plek="op de parkeerplaats", only={"parking", "res", "park"}), "bij de bankjes",
            dict(plek="achter de flat", only={"res", "shop"}), dict(plek="bij het speelveld", only={"res", "park"})]),
  texts=[
      ("s", "R", "lachgas {plek} {naam}, {wie} {wat}"),
      ("m", "R", "{Wie} {wat} {plek} {waar}. Overal liggen lege cilinders."),
      ("f", "R", "Ik meld drugsgebruik door jongeren {plek} {waar}. {Wie} {wat}. Het gaat al de hele avond zo door en er wordt ook hard weggereden."),
      ("s", "R", "weer ballonnen {plek} hier {naam} pfff"),
      ("m", "R", "Lachgasgebruik {plek} {waar}: {wie} {wat}. Na afloop blijft alles liggen."),
      ("f", "R", "Graag handhaving {waar}. {Wie} {wat}, {plek}. Het gesis van de cilinders hoor je tot in de slaapkamer."),
  ])

T("vuurwerk", ident=["wie"], theme=YTH, family="youth_group", cat="vuurwerk-naar-mensen",
  alt=[S + "overlast-van-en-door-personen-of-groepen.overlast-door-afsteken-vuurwerk"],
  places={"res", "kuenenplein", "station", "park"}, hours=[(17, 24)], months=[1, 12], gap=(2, 20), recur=(1, 3),
  slots=dict(
      wat=["gooien cobra's naar voorbijgangers", "schieten vuurpijlen op auto's af",
           "gooien knallers naar een man met een hond", "steken zwaar vuurwerk af bij de voordeuren"],
      wie=["een groep jongens met bivakmutsen", "vier jongens op fietsen", "jongeren vanaf de galerij van de flat",
           "jongens van een jaar of vijftien"]),
  texts=[
      ("s", "R", "ze gooien vuurwerk naar mensen {naam}!!"),
      ("m", "R", "{Wie} {wat} {waar}. Mijn dochter werd bijna geraakt."),
      ("f", "R", "Ik meld gevaarlijk gebruik van vuurwerk {waar}. {Wie} {wat}. Er zijn ook knallers tegen ons raam gegooid."),
      ("s", "R", "cobra's {naam}, {wie}. levensgevaarlijk"),
      ("m", "R", "Vuurwerk naar mensen {waar}: {wie} {wat}. Ze rennen weg als er iemand aankomt."),
      ("f", "R", "Graag politie of handhaving {waar}. {Wie} {wat}; een oudere man is van schrik gevallen."),
  ])

T("pesten", ident=["slachtoffer"], theme=YTH, family="youth_group", cat="intimidatie", alt=["hangjongeren"],
  places={"station", "kuenenplein", "park", "res"}, hours=[(13, 19)], weekdays=[0, 1, 2, 3, 4], gap=(3, 30),
  recur=(2, 7),
  slots=dict(
      slachtoffer=["een jongen met een rugtas", "een meisje van een jaar of twaalf", "een jongen in een rolstoel",
                   "een scholier met een fiets"],
      wat=["uitgescholden en geduwd", "omsingeld en de telefoon afgepakt", "bespuugd en gefilmd",
           "achtervolgd en getreiterd"],
      wie=["een groep oudere jongens", "drie meiden", "vijf jongens van de middelbare school"]),
  texts=[
      ("s", "R", "{slachtoffer} wordt {wat} {naam}. iemand moet ingrijpen"),
      ("m", "R", "{Slachtoffer} wordt {wat} door {wie} {waar}. Niemand doet iets."),
      ("f", "R", "Ik zag zojuist hoe {slachtoffer} {waar} werd {wat} door {wie}. Het leek me duidelijk pesten en geen geintje. Misschien kan de wijkagent de school inlichten."),
      ("m", "E", "Voor mijn zaak {waar} wordt {slachtoffer} {wat} door {wie}. Ik heb ze weggestuurd maar ze komen terug."),
      ("s", "R", "pesterij {naam}, {wie}. arm kind"),
      ("f", "R", "Melding: {wie} treiteren {slachtoffer} {waar}. De jongere wordt {wat}. Graag iemand laten kijken."),
  ])

# ---------------------------------------------------------------- SUBVERSION
T("hennep", theme=SUB, family="drugs_site", cat="hennepteelt-signalen",
  alt=[S + "ondermijning.vermoeden", S + "wonen.wonen-ondermijning"], places={"res"}, hours=[(8, 23)],
  gap=(60, 600), long=(1440, 1440 * 21), fixed=["huis"], per_report=["signaal"],
  slots=dict(
      huis=["het hoekhuis", "de bovenwoning boven het winkeltje", "het huis met de dichtgeplakte ramen",
            "de woning naast de speeltuin", "de garagebox achter de flats"],
      signaal=["ruikt het sterk naar wiet", "hoor je dag en nacht een zoemend geluid",
               "komen 's nachts steeds mannen met grote tassen", "zijn de ramen altijd beslagen en afgeplakt"]),
  texts=[
      ("s", "R", "volgens mij hennep in {huis} {naam}, daar {signaal}"),
      ("m", "R", "Bij {huis} {waar} {signaal}. Gordijnen zijn altijd dicht. Ik vertrouw het niet."),
      ("f", "R", "Ik wil anoniem melden dat er mogelijk een hennepkwekerij zit in {huis} {waar}. Al enkele weken {signaal}. Er lijkt niemand echt te wonen."),
      ("f", "R", "Graag uw aandacht voor {huis} {waar}. Daar {signaal}. Ook staat er vaak een busje met draaiende motor voor de deur. Ik vermoed een wietplantage."),
      ("m", "R", "Rond {huis} {waar} {signaal}. De stroommeter schijnt ook raar te doen, zegt de buurman."),
      ("s", "R", "wietplantage?? {huis} {naam}. daar {signaal}"),
      ("m", "R", "Bij ons in de straat, {huis}, {signaal}. Wij wonen {waar}. Kan iemand dit bekijken?"),
  ])

T("drugshandel", theme=SUB, family="drugs_street", cat="drugshandel",
  alt=[S + "overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast", "verdacht-voertuig"],
  places={"station", "park", "parking", "kuenenplein", "wijkerbroek"}, hours=[(14, 24)], gap=(20, 240),
  long=(1440, 1440 * 10), fixed=["plek"], per_report=["signaal"],
  slots=dict(
      plek=[dict(plek="bij de fietsenstalling", only={"station", "shop", "res"}),
            dict(plek="achter de flat", only={"res", "shop"}),
            dict(plek="op de parkeerplaats bij de supermarkt", only={"parking", "shop"}),
            "bij de bankjes", dict(plek="in het portiek", only={"res", "shop"})],
      signaal=["er worden steeds kleine pakketjes overgegeven", "auto's stoppen kort en rijden weer weg",
               "een jongen op een scooter komt steeds iets brengen", "mensen halen hier zakjes op en lopen snel door"]),
  texts=[
      ("s", "R", "er wordt gedeald {plek} {naam}. {signaal}"),
      ("m", "R", "Al dagen is het raak {plek} {waar}: {signaal}. Dit is gewoon drugshandel."),
      ("f", "R", "Ik meld vermoedelijke drugshandel {plek} {waar}. {Signaal}. Dit gebeurt vooral 's middags en 's avonds, meerdere keren per uur."),
      ("m", "E", "Voor onze zaak {waar} wordt gedeald, {plek}. {Signaal}. Klanten zien het ook."),
      ("s", "R", "dealers {plek} {naam} weer. {signaal}"),
      ("f", "R", "Graag aandacht voor wat er {plek} {waar} gebeurt. Ik woon hier tegenover en zie dagelijks hetzelfde: {signaal}. Kinderen lopen hier naar school."),
  ])

T("drugsafval", ident=["wat"], recur_ident=["wat"], theme=SUB, family="drugs_waste", cat="drugsafval",
  alt=[S + "overlast-in-de-openbare-ruimte.lozing-dumping-bodemverontreiniging", S + "afval.asbest-accu"],
  places={"dump"}, hours=[(6, 20)], gap=(30, 360), long=(360, 2000), recur=(14, 60), fixed=["plek"],
  per_report=["lucht"],
  slots=dict(
      wat=["een stuk of twintig blauwe vaten", "jerrycans met een chemische lucht", "witte vaten en plastic zakken",
           "zeker tien jerrycans en een paar vaten"],
      lucht=["het ruikt naar anijs", "het stinkt scherp naar chemicaliën", "er lekt een bruine vloeistof uit",
             "de lucht prikt in je ogen"],
      plek=["in de berm", "op de parkeerplaats", "achter de bosjes", "bij een bedrijfshek"]),
  texts=[
      ("s", "R", "{wat} gedumpt {plek} {naam}. {lucht}"),
      ("m", "R", "Tijdens het hardlopen zag ik {wat} {plek} {waar}. {Lucht}. Ik ben er niet aan gekomen."),
      ("f", "R", "Ik meld een vermoedelijke drugsdumping {waar}. {Plek} staan {wat}; {lucht}. Het lijkt me gevaarlijk, graag snel laten afzetten."),
      ("m", "E", "Bij ons bedrijf {waar} zijn vannacht {wat} achtergelaten, {plek}. {Lucht}."),
      ("s", "R", "drugsafval?? {plek} {naam}, {wat}"),
      ("f", "R", "Zojuist aangetroffen {plek} {waar}: {wat}. {Lucht}. Ik heb afstand gehouden en anderen gewaarschuwd."),
  ])

T("dekmantel", theme=SUB, family="front", cat="verdacht-bedrijf", alt=[S + "ondermijning.vermoeden"],
  places={"zeestraat", "breestraat_n", "meerstraat", "kuenenplein", "meerplein", "koningstraat"}, hours=[(9, 22)],
  gap=(60, 480), long=(2880, 1440 * 30), fixed=["zaak"], per_report=["signaal"],
  slots=dict(
      zaak=["de nieuwe barbershop", "het belwinkeltje", "de nagelstudio", "de minimarkt", "het autoverhuurbedrijfje"],
      signaal=["er komen nooit klanten maar er wordt wel steeds verbouwd",
               "er stoppen dure auto's en mensen gaan via de achterdeur naar binnen",
               "de zaak is bijna altijd dicht maar 's avonds brandt er licht",
               "er wordt met grote bedragen contant betaald"]),
  texts=[
      ("s", "R", "{zaak} {naam} klopt niks van. {signaal}"),
      ("m", "E", "Als ondernemer {waar} vind ik {zaak} verdacht: {signaal}. Hoe kunnen ze de huur betalen?"),
      ("f", "R", "Ik wil mijn vermoeden melden dat {zaak} {waar} een dekmantel is. {Signaal}. Ik houd dit nu al enkele weken in de gaten."),
      ("m", "R", "{Zaak} {waar}: {signaal}. Dat is toch niet normaal?"),
      ("f", "E", "Melding ondermijning. Naast mijn winkel {waar} zit {zaak}. {Signaal}. Andere ondernemers in de straat zien het ook."),
      ("s", "R", "witwassen? {zaak} {naam}. {signaal}"),
  ])

T("overbewoning", theme=SUB, family="housing", cat="overbewoning",
  alt=[S + "wonen.woningdelen-spookburgers", "mensenhandel-prostitutie"], places={"res", "koningstraat", "zeestraat"},
  hours=[(7, 23)], gap=(60, 600), long=(1440, 1440 * 21), fixed=["huis"], per_report=["signaal"],
  slots=dict(
      huis=["de eengezinswoning op de hoek", "het pand boven de winkel", "de woning met de busjes ervoor",
            "het oude bovenhuis"],
      signaal=["wonen zeker twaalf mannen", "worden 's ochtends vroeg busjes vol arbeiders opgehaald",
               "staan matrassen tegen de ramen en liggen stapels vuilniszakken",
               "komen steeds nieuwe mensen met koffers"]),
  texts=[
      ("s", "R", "overbewoning {naam}? bij {huis} {signaal}"),
      ("m", "R", "Bij {huis} {waar} {signaal}. Dat kan nooit veilig zijn."),
      ("f", "R", "Ik meld een vermoeden van overbewoning {waar}. Bij {huis} {signaal}. Het afval wordt niet opgeruimd en er is veel parkeeroverlast."),
      ("m", "R", "Huisjesmelker {waar}? Bij {huis} {signaal}. Wie controleert dit?"),
      ("f", "R", "Graag controle bij {huis} {waar}. Volgens de buren {signaal}. Ik maak me zorgen over brandveiligheid en uitbuiting."),
  ])

T("mensenhandel", theme=SUB, family="housing", cat="mensenhandel-prostitutie",
  alt=["overbewoning", S + "ondermijning.vermoeden"], places={"res", "koningstraat"}, hours=[(20, 24), (0, 3)],
  gap=(30, 300), long=(1440, 1440 * 14), fixed=["huis"], per_report=["signaal"],
  slots=dict(
      huis=["de flat op de tweede verdieping", "het huis naast de snackbar", "de benedenwoning met de rode lamp",
            "het appartement boven de kapper"],
      signaal=["komen 's nachts steeds andere mannen voor korte tijd", "worden jonge vrouwen met een auto gebracht en gehaald",
               "gaan de gordijnen nooit open en staat er steeds een man op de uitkijk",
               "wordt volgens mij een illegaal bordeel gerund"]),
  texts=[
      ("s", "R", "volgens mij illegale prostitutie bij {huis} {naam}. daar {signaal}"),
      ("m", "R", "Bij {huis} {waar} {signaal}. Ik denk aan prostitutie, misschien zelfs uitbuiting."),
      ("f", "R", "Ik wil een vermoeden van mensenhandel melden {waar}. Bij {huis} {signaal}. De vrouwen lijken geen Nederlands te spreken en gaan nooit alleen naar buiten."),
      ("m", "R", "Rare toestanden bij {huis} {waar}. Daar {signaal}. Wie kan hier iets mee?"),
      ("f", "R", "Melding vermoeden uitbuiting {waar}. Bij {huis} {signaal}. Ik durf het niet op mijn naam te zetten, maar het klopt niet."),
  ])

T("motorclub", theme=SUB, family="bikers", cat="motorclub", alt=[S + "ondermijning.vermoeden", "intimidatie"],
  places={"industrial"}, hours=[(18, 24)], gap=(15, 240), long=(1440, 1440 * 10), fixed=["pand"],
  per_report=["signaal"],
  slots=dict(
      pand=["de oude loods", "het pand met de zwarte ramen", "de voormalige garage", "de loods met camera's op het dak"],
      signaal=["staan tientallen motoren en mannen in hesjes met een clubembleem", "worden bezoekers bij de poort gefouilleerd",
               "is een groot feest met mannen in colors", "wordt een hoge schutting met prikkeldraad gebouwd"]),
  texts=[
      ("s", "R", "motorclub {naam}, bij {pand} {signaal}"),
      ("m", "E", "Bij {pand} naast ons bedrijf {waar} {signaal}. Mijn personeel voelt zich geïntimideerd."),
      ("f", "R", "Ik meld signalen van een criminele motorclub {waar}. Bij {pand} {signaal}. Er wordt ook gefilmd wie er langsrijdt."),
      ("m", "R", "Bij {pand} {waar} {signaal}. Is dat een clubhuis van een motorbende?"),
      ("f", "E", "Als ondernemer {waar} wil ik het volgende melden: bij {pand} {signaal}. Dit is de afgelopen weken begonnen en de sfeer op het terrein is grimmig."),
  ])

T("afpersing", ident=["mannen"], theme=SUB, family="extortion", cat="afpersing-ondernemer", alt=["intimidatie", "overval"],
  places={"zeestraat", "breestraat_n", "meerstraat", "kuenenplein", "meerplein"}, hours=[(10, 21)],
  gap=(10, 180), long=(1440, 1440 * 7), fixed=["zaak"],
  slots=dict(
      mannen=["twee mannen in trainingspak", "drie mannen uit een zwarte Mercedes",
              "twee getatoeëerde mannen in leren jassen", "twee grote mannen met zonnebrillen"],
      wat=["vroegen om 'bescherming' voor 500 euro per maand", "zeiden dat het zonde zou zijn als de ruit kapot ging",
           "eisten dat er elke week contant betaald wordt", "bedreigden de eigenaar achter de toonbank"],
      zaak=["de kapper", "de shoarmazaak", "de telefoonwinkel", "de nagelsalon", "de slijterij"]),
  texts=[
      ("m", "E", "Er kwamen net {mannen} in onze zaak {waar}, {zaak}. Ze {wat}. Ik ben bang en durf geen aangifte te doen."),
      ("f", "E", "Melding afpersing. Vandaag zijn {mannen} bij mijn bedrijf ({zaak}) {waar} geweest. Zij {wat}. Ik wil graag met iemand in gesprek, maar niet via de balie."),
      ("m", "R", "Zag net {mannen} bij {zaak} {waar} naar binnen gaan. De eigenaar was daarna helemaal van slag en vertelde dat ze geld wilden."),
      ("s", "E", "{mannen} weer hier bij de zaak {naam}. willen geld. help"),
      ("m", "E", "De buurman, {zaak} {waar}, wordt afgeperst denk ik. {Mannen} kwamen net langs en ze {wat}."),
      ("f", "E", "Ik werk in de winkel naast {zaak} {waar} en zag {mannen} daar binnen staan dreigen. De eigenaar vertelde me dat ze geld eisen. Hij durft zelf niets te melden."),
  ])

# ---------------------------------------------------------------- PHYSICAL_BUSINESS
T("winkeldiefstal", ident=["dader"], theme=PHB, family="theft_shop", cat="winkeldiefstal", alt=["overval", "zakkenroller"],
  places={"shop"}, hours=[(9, 21)], gap=(1, 15), recur=(1, 10), sameday=(3, 7), fixed=["winkel"],
  slots=dict(
      winkel=[dict(winkel="de drogist", buit="parfum en scheermesjes"), dict(winkel="de supermarkt", buit="vlees en drank"),
              dict(winkel="de slijterij", buit="twee flessen whisky"),
              dict(winkel="de telefoonwinkel", buit="een paar draadloze oordopjes"),
              dict(winkel="de kledingwinkel", buit="een stapel jassen"), dict(winkel="de parfumerie", buit="dure parfums")],
      dader=["een man in een grijze hoodie", "een jongen met een zwarte pet", "een vrouw met een grote shopper",
             "een jongen in een wit trainingspak", "een man met een rode jas"]),
  texts=[
      ("s", "E", "winkeldief {naam}, {dader}, rent {richting}"),
      ("m", "E", "Zojuist diefstal in onze winkel {waar}. {Dader} heeft {buit} meegenomen en is {richting} gerend. Camerabeelden hebben we."),
      ("f", "E", "Melding winkeldiefstal bij {winkel} {waar}. {Dader} liep met {buit} langs de kassa zonder te betalen en negeerde het alarm van de poortjes. De verdachte ging {richting}."),
      ("m", "R", "Ik zag net {dader} uit {winkel} rennen {waar}, personeel erachteraan. Ging {richting}."),
      ("s", "R", "dief bij {winkel} {naam}!! {dader}"),
      ("f", "R", "Als voorbijganger zag ik zojuist hoe {dader} met {buit} onder de arm uit {winkel} {waar} kwam rennen. Een medewerker riep om hulp. De persoon verdween {richting}."),
      ("m", "E", "Alweer gestolen bij {winkel} {waar}: {buit}. {Dader}, nu {richting}. Wie ziet iets?"),
      ("m", "R", "{Dader} probeerde net {buit} te stelen bij {winkel} {waar}. Het alarm ging af en de dief ging ervandoor {richting}."),
  ])

T("overval", ident=["daders"], theme=PHB, family="theft_shop", cat="overval", alt=["winkeldiefstal", "intimidatie"],
  places={"shop"}, hours=[(9, 22)], gap=(1, 10), recur=(20, 90), fixed=["winkel"],
  slots=dict(
      winkel=["de snackbar", "de tabakszaak", "de avondwinkel", "de supermarkt", "de juwelier"],
      daders=["twee mannen met bivakmutsen", "twee mannen met messen",
              "twee jongens met capuchons en een vuurwapen"],
      vlucht=["op een scooter", "te voet", "in een donkere auto"]),
  texts=[
      ("s", "E", "OVERVAL {naam}!! {daders}, weg {vlucht}"),
      ("m", "E", "We zijn net overvallen, {winkel} {waar}. {Daders} eisten het geld uit de kassa en zijn {vlucht} gevlucht {richting}. Niemand gewond."),
      ("m", "R", "Volgens mij wordt {winkel} {waar} overvallen! Zag {daders} naar binnen rennen."),
      ("f", "R", "Ik was getuige van wat een overval leek bij {winkel} {waar}. {Daders} kwamen naar buiten rennen en vertrokken {vlucht} {richting}. Het personeel stond huilend buiten."),
      ("s", "R", "overval bij {winkel} {naam}?? {daders} weg {vlucht}"),
      ("f", "E", "Zojuist is onze zaak, {winkel} {waar}, overvallen door {daders}. Ze zijn {vlucht} vertrokken {richting}. De politie is gebeld en de camerabeelden zijn beschikbaar."),
  ])

T("zakkenroller", ident=["dader"], theme=PHB, family="theft_street", cat="zakkenroller", alt=["winkeldiefstal"],
  places={"bazaar", "station", "breestraat_n", "meerplein"}, hours=[(10, 18)], gap=(2, 30), recur=(7, 14),
  sameday=(2, 5),
  slots=dict(
      buit=[dict(buit="portemonnee", de_buit="de portemonnee"), dict(buit="telefoon", de_buit="de telefoon"),
            dict(buit="tasje met pinpassen", de_buit="het tasje met pinpassen")],
      slachtoffer=["een oudere vrouw", "een toerist", "een man met een kinderwagen", "een meisje"],
      dader=["een jonge man die steeds tegen mensen aan botst", "een vrouw met een baby in een draagdoek",
             "een man met een jas over zijn arm", "een jongen in een blauw jack"]),
  texts=[
      ("s", "R", "zakkenroller bij {naam}, {slachtoffer} is {de_buit} kwijt"),
      ("m", "R", "{Slachtoffer} is net bestolen {waar}, {buit} weg. Verdacht: {dader}."),
      ("f", "R", "Ik meld een zakkenrollerij {waar}. Van {slachtoffer} is {de_buit} uit de tas gehaald. Ik vermoed {dader}; die liep daarna snel weg {richting}."),
      ("m", "E", "Bij onze winkel {waar} is {slachtoffer} {de_buit} kwijtgeraakt aan een zakkenroller. {Dader} stond er vlak achter."),
      ("s", "R", "let op je tas {naam}, zakkenrollers. {dader}"),
      ("f", "R", "Zojuist is mijn {buit} uit mijn jaszak gerold {waar}. Ik merkte het pas bij de kassa. In het gedrang stond {dader} vlak achter mij."),
  ])

T("betaalfraude", ident=["dader"], theme=PHB, family="fraud", cat="oplichting-betaalfraude", alt=["winkeldiefstal"],
  places={"shop"}, hours=[(10, 20)], gap=(5, 120), recur=(1, 14), sameday=(3, 7), fixed=["winkel"],
  slots=dict(
      truc=["betaalde met een vals briefje van 50", "probeerde met een gestolen pinpas te betalen",
            "deed de wisseltruc bij de kassa", "liet een nep-betaalverzoek zien op zijn telefoon"],
      dader=["een man van rond de dertig met een zonnebril", "een jongen in een nette jas", "een oudere man met een pet",
             "een man met een Engels accent"],
      winkel=["de bakker", "de drogist", "de bloemenwinkel", "de slijterij", "de snackbar"]),
  texts=[
      ("s", "E", "let op collega's {naam}: {dader} {truc}!"),
      ("m", "E", "Net bij {winkel} {waar}: {dader} {truc}. Toen we het doorhadden was hij al weg {richting}."),
      ("f", "E", "Melding oplichting in onze zaak {waar}. {Dader} {truc}. De beelden zijn bewaard. Mogelijk probeert hij het bij meer winkels in de straat."),
      ("m", "R", "Ik stond in de rij bij {winkel} {waar}. {Dader} {truc}. De caissière was helemaal overstuur."),
      ("s", "R", "oplichter bij {winkel} {naam}, {dader}"),
      ("f", "E", "Hierbij meld ik betaalfraude bij {winkel} {waar}. Een klant, {dader}, {truc}. Hij vertrok {richting} voordat we iets konden doen."),
  ])

T("ramkraak", ident=["voertuig"], theme=PHB, family="theft_shop", cat="inbraak-bedrijf", alt=["vandalisme", "overval"],
  places={"shop"}, hours=[(1, 5)], gap=(1, 20), recur=(14, 60), fixed=["winkel"],
  slots=dict(
      winkel=["de juwelier", "de telefoonwinkel", "de elektronicazaak", "de drogist", "de fietsenwinkel"],
      voertuig=["een gestolen bestelbus", "een zwarte SUV", "een oude Volvo", "een shovel"],
      vlucht=["richting de snelweg", "met twee auto's", "op scooters"]),
  texts=[
      ("s", "R", "ramkraak {naam}!!! harde knal, {voertuig} in de pui van {winkel}"),
      ("m", "R", "Werd wakker van een enorme klap. {Voertuig} is door de pui van {winkel} {waar} gereden. Mannen laden spullen in."),
      ("f", "R", "Ik meld een ramkraak {waar}. Bij {winkel} is met {voertuig} de etalage ingereden. Daarna zijn de daders {vlucht} vertrokken. Het voertuig staat nog in de winkel."),
      ("m", "E", "Het alarm van {winkel} {waar} gaat af. Op de camera zie ik dat ze met {voertuig} naar binnen zijn gereden. Ik ben onderweg."),
      ("s", "R", "ze rammen {winkel} {naam} met {voertuig}, nu!!"),
      ("f", "E", "Melding inbraak bedrijfspand. Vannacht is bij ons, {winkel} {waar}, een ramkraak gepleegd met {voertuig}. De daders zijn {vlucht} gevlucht. Ik sta nu bij het pand."),
  ])

T("brandgevaar", theme=PHB, family="fire", cat="brandgevaar",
  alt=["nooduitgang-geblokkeerd", S + "afval.bedrijfsafval"], places={"shop", "industrial"}, hours=[(8, 22)],
  gap=(30, 480), long=(1440, 1440 * 5), fixed=["wat"], per_report=["extra"],
  slots=dict(
      wat=["dozen en pallets opgestapeld tegen de achtergevel", "een kapotte meterkast met losse draden",
           "gasflessen opgeslagen in de steeg naast het pand", "een berg karton naast de vluchttrap"],
      extra=["er wordt vlakbij gerookt", "het ligt er al dagen", "het staat tegen de ramen van de woningen erboven",
             "bij één vonk staat alles in de fik"]),
  texts=[
      ("s", "R", "brandgevaarlijk {naam}: {wat}"),
      ("m", "R", "{Wat} {waar}. {Extra}. Dit is vragen om brand."),
      ("f", "E", "Als ondernemer {waar} maak ik me zorgen over het pand naast ons: {wat}. {Extra}. Wilt u de brandweer of handhaving laten kijken?"),
      ("m", "R", "Achter de panden {waar}: {wat}. {Extra}. Niemand lijkt zich er iets van aan te trekken."),
      ("f", "R", "Melding brandrisico {waar}. Het gaat om {wat}. {Extra}. De eigenaar reageert niet als je hem aanspreekt."),
      ("s", "R", "{wat} {naam}, {extra}. gevaarlijk"),
  ])

T("nooduitgang", theme=PHB, family="fire", cat="nooduitgang-geblokkeerd", alt=["brandgevaar"],
  places={"breestraat_n", "breestraat_s", "zeestraat", "meerstraat", "meerplein", "kuenenplein", "bazaar", "waz_dorp"},
  hours=[(10, 23)], gap=(20, 300), long=(1440, 1440 * 7), fixed=["zaak", "blokkade"],
  slots=dict(
      zaak=["de kroeg", "de supermarkt", "de sportschool", "het restaurant", "de bioscoopzaal"],
      blokkade=["de nooduitgang is met een ketting afgesloten", "er staan rolcontainers voor de nooduitgang",
                "de vluchtdeur is dichtgeschroefd", "pallets blokkeren de branddeur"]),
  texts=[
      ("s", "R", "{zaak} {naam}: {blokkade}!!"),
      ("m", "R", "Bij {zaak} {waar}: {blokkade}. Als hier brand uitbreekt kan niemand eruit."),
      ("f", "R", "Ik meld een geblokkeerde nooduitgang bij {zaak} {waar}. {Blokkade}. Het was erg druk binnen."),
      ("m", "E", "Bij de buren, {zaak} {waar}: {blokkade}. Al een paar keer gezegd, er verandert niks."),
      ("f", "E", "Als medewerker van een winkel in de buurt wil ik het volgende melden over {zaak} {waar}: {blokkade}. Volgens mij is dat bij een ontruiming levensgevaarlijk."),
      ("s", "R", "{blokkade} bij {zaak}, {naam}"),
  ])

T("gasgeur", theme=PHB, family="gas", cat="gasgeur", alt=["brandgevaar"], places={"shop", "res"}, hours=[(7, 23)],
  gap=(2, 30), recur=(10, 40),
  slots=dict(
      waar2=["in het portiek", dict(waar2="bij de ingang van de winkel", only={"shop"}), "rond de put voor de deur",
             "in de kelder van het pand", dict(waar2="bij de voordeur", only={"res"})],
      sterkte=["een sterke gaslucht", "een lichte gaslucht die sterker wordt", "een rotte-eierenlucht"]),
  texts=[
      ("s", "R", "gaslucht {naam}!! {waar2}"),
      ("m", "R", "Ik ruik {sterkte} {waar2} {waar}. Ramen open gezet, wie moet ik bellen?"),
      ("f", "R", "Melding gasgeur {waar}. Er hangt {sterkte} {waar2}. Omwonenden ruiken het ook. Graag met spoed laten controleren."),
      ("m", "E", "In onze winkel {waar} ruiken we {sterkte}, vooral {waar2}. We hebben de klanten naar buiten gestuurd."),
      ("s", "R", "ruik gas hier {waar2} {naam}. iemand anders ook?"),
      ("f", "R", "Toen ik ons pand {waar} binnenliep rook ik {sterkte}. {Waar2} is het het sterkst. Ik heb de buren gewaarschuwd."),
      ("m", "R", "{Sterkte} {waar2} {waar}. Niemand weet waar het vandaan komt."),
  ])

T("gevaarlijk_verkeer", ident=["wat"], theme=PHB, family="traffic", cat="gevaarlijk-verkeer-winkelgebied",
  alt=[S + "overlast-in-de-openbare-ruimte.parkeeroverlast", S + "wegen-verkeer-straatmeubilair.verkeersoverlast"],
  places={"breestraat_n", "breestraat_s", "zeestraat", "meerstraat", "meerplein", "kuenenplein"}, hours=[(7, 12)],
  gap=(5, 60),
  slots=dict(
      wat=["een vrachtwagen lost midden in het voetgangersgebied", "een bestelbus rijdt tussen het winkelend publiek door",
           "een scooter scheurt door de winkelstraat", "auto's staan op de stoep voor de winkels"],
      gevolg=["een moeder met kinderwagen moest uitwijken", "klanten kunnen de winkels niet in",
              "er werd bijna een kind aangereden", "mensen moeten de rijbaan op"]),
  texts=[
      ("s", "R", "{wat} {naam}. {gevolg}"),
      ("m", "E", "Voor mijn winkel {waar}: {wat}. {Gevolg}. Dit moet anders."),
      ("f", "R", "Ik meld een gevaarlijke verkeerssituatie {waar}. {Wat}; {gevolg}. Er is geen toezicht op de venstertijden."),
      ("m", "R", "Net {waar}: {wat} en {gevolg}. Waar is de handhaving?"),
      ("f", "E", "Namens een aantal ondernemers {waar}: {wat}. {Gevolg}. We vragen om paaltjes of controle."),
  ])

T("drukte", theme=PHB, family="crowd", cat=S + "overlast-in-de-openbare-ruimte.markten",
  alt=["nooduitgang-geblokkeerd"], places={"bazaar"}, hours=[(11, 16)], weekdays=[5, 6], gap=(5, 60),
  slots=dict(
      waar2=["bij de hoofdingang", "in de Oosterse markt", "bij de trap naar de parkeerplaats", "in het gangpad bij de foodhal"],
      wat=["staan mensen klem", "wordt geduwd en getrokken", "kan niemand meer voor- of achteruit",
           "zijn kinderen hun ouders kwijtgeraakt in het gedrang"]),
  texts=[
      ("s", "R", "veel te druk {waar2} bazaar, er {wat}"),
      ("m", "R", "Het is gevaarlijk druk {waar2} van de Bazaar. Er {wat}."),
      ("f", "E", "Als standhouder wil ik melden dat het {waar2} onverantwoord druk is. Er {wat}. Beveiliging is nergens te zien."),
      ("m", "E", "Te veel mensen {waar2}, er {wat}. Kunnen jullie de toegang tijdelijk beperken?"),
      ("f", "R", "Melding drukte Beverwijkse Bazaar. {Waar2} {wat}. Met kleine kinderen is het hier echt onveilig."),
  ])

# ---------------------------------------------------------------- OTHER
T("lantaarn", theme=OTH, family="light", cat=S + "wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting",
  alt=[S + "wegen-verkeer-straatmeubilair.overig-wegen-verkeer-straatmeubilair"], places={"res", "park"},
  hours=[(18, 24)], months=[1, 2, 3, 4, 9, 10, 11, 12], gap=(60, 1440), long=(1440, 1440 * 10), fixed=["paal"], per_report=["extra"],
  slots=dict(
      paal=[dict(paal="de lantaarnpaal bij het speeltuintje", doet="doet"),
            dict(paal="twee lantaarnpalen langs het fietspad", doet="doen"),
            dict(paal="de straatlantaarn voor de flat", doet="doet"),
            dict(paal="de lampen langs het wandelpad", doet="doen"),
            dict(paal="de lantaarnpaal bij de ingang van het park", doet="doet", only={"park"})],
      extra=["Het is daar aardedonker", "Al een paar avonden zo", "Je ziet niks als je fietst",
             "Onveilig gevoel als je 's avonds de hond uitlaat"]),
  texts=[
      ("s", "R", "lamp kapot {naam}, {paal}"),
      ("m", "R", "{Paal} {waar} {doet} het niet meer. {extra}."),
      ("f", "R", "Graag melding van defecte straatverlichting {waar}: {paal} {doet} het niet. {extra}. Nu het vroeg donker wordt, is dat echt een probleem."),
      ("s", "R", "straatverlichting {naam} uit. {paal}"),
      ("m", "R", "Kan iemand {paal} {waar} repareren? {extra}."),
      ("f", "R", "Ik meld hierbij dat {paal} {waar} het niet {doet}. {extra}. Wilt u een monteur sturen?"),
  ])

T("gat_weg", theme=OTH, family="road", cat=S + "wegen-verkeer-straatmeubilair.onderhoud-stoep-straat-en-fietspad",
  alt=[S + "wegen-verkeer-straatmeubilair.onderhoud-fietspad"], places={"res", "road"}, hours=[(7, 22)],
  gap=(60, 1440), long=(1440, 1440 * 14), fixed=["gat"], per_report=["extra"],
  slots=dict(
      gat=["een diep gat in het fietspad", "losliggende stoeptegels bij de bushalte", "een verzakking in de weg bij de put",
           "een gat in het wegdek waar je met je fiets in blijft steken"],
      extra=["er is al iemand gevallen", "met regen zie je het niet", "mijn moeder met rollator struikelde bijna",
             "auto's slingeren eromheen"]),
  texts=[
      ("s", "R", "gat in de weg {naam}!! {extra}"),
      ("m", "R", "{Gat} {waar}. {Extra}. Graag repareren."),
      ("f", "R", "Ik wil {gat} melden {waar}. {Extra}. Kunt u er in ieder geval een afzetting bij zetten?"),
      ("m", "R", "Er zit {gat} {waar}, {extra}."),
      ("s", "R", "{gat} {naam}. wanneer wordt dit gemaakt"),
  ])

T("vermist_huisdier", ident=["dier"], recur_ident=["dier"], theme=OTH, family="pet", cat=S + "overlast-van-dieren.overig-dieren", alt=[S + "overig.overig"],
  places={"res"}, hours=[(8, 22)], gap=(60, 600), recur=(14, 60),
  slots=dict(
      dier=["een rode kater met een wit befje", "een zwart-witte poes met een blauw halsbandje",
            "een kleine bruine jack russell", "een grijs konijn met hangoren"]),
  texts=[
      ("m", "R", "Wij zijn {dier} kwijt {waar}. Sinds gisteravond niet meer thuisgekomen. Wie heeft iets gezien?"),
      ("s", "R", "vermist {naam}: {dier}!! pls delen"),
      ("f", "R", "Vermist {waar}: {dier}. Het dier is gechipt en schuw. Graag een bericht als u het ziet, maar niet achterna rennen."),
      ("m", "R", "Er loopt al de hele dag {dier} rond {waar}. Lijkt verdwaald, mist iemand dit dier?"),
      ("s", "R", "gevonden {naam}: {dier}. zit nu bij ons in de tuin"),
      ("f", "R", "Zojuist vonden wij {dier} in onze schuur {waar}. Het dier lijkt gezond maar is schichtig. Wie is de eigenaar?"),
  ])

T("stormschade", recur_ident=["boom", "waar3"], theme=OTH, family="tree", cat=S + "openbaar-groen-en-water.boom-stormschade",
  alt=[S + "openbaar-groen-en-water.boom-overig"], places={"res", "park", "road"}, hours=[(6, 22)],
  months=[1, 2, 3, 10, 11, 12], gap=(10, 240), long=(240, 1440), recur=(20, 90),
  slots=dict(
      boom=["een grote boom", "een dikke tak", "een populier", "een wilg"],
      waar3=["ligt over het fietspad", "ligt dwars over de weg", "ligt op een geparkeerde auto",
             "hangt half los boven het trottoir"]),
  texts=[
      ("s", "R", "boom om {naam}, {waar3}"),
      ("m", "R", "Stormschade {waar}: {boom} {waar3}. Niemand gewond, maar het is gevaarlijk."),
      ("f", "R", "Melding stormschade {waar}: {boom} {waar3}. Er kan niemand langs. Graag met spoed laten weghalen."),
      ("m", "R", "{Boom} {waar3} {waar}, fietsers moeten over de stoep."),
      ("s", "R", "{boom} {waar3} hier {naam}. pas op"),
  ])

T("verkeerslicht", theme=OTH, family="road", cat=S + "wegen-verkeer-straatmeubilair.verkeerslicht",
  alt=[S + "wegen-verkeer-straatmeubilair.verkeerssituaties"],
  places={"station", "velsertraverse", "binnenduinrandweg", "wijkerbaan", "kagerweg"}, hours=[(7, 22)],
  gap=(10, 240), long=(240, 2880), fixed=["welk"],
  slots=dict(
      welk=["het verkeerslicht bij de oversteek", "het voetgangerslicht", "het stoplicht voor fietsers"],
      storing=["staat continu op rood", "knippert oranje", "is helemaal uit", "springt na twee seconden al op rood"]),
  texts=[
      ("s", "R", "stoplicht kapot {naam}, {storing}"),
      ("m", "R", "{Welk} {waar} {storing}. Mensen steken gewoon door rood over."),
      ("f", "R", "Ik meld een storing aan {welk} {waar}: het {storing}. Dat levert gevaarlijke situaties op met kinderen die naar school fietsen."),
      ("s", "R", "{welk} {naam} {storing}. graag fixen"),
      ("m", "R", "Storing {waar}: {welk} {storing}. Er staan lange rijen."),
  ])

T("dode_dieren", ident=["dier"], recur_ident=["dier"], theme=OTH, family="animal_dead", cat=S + "overlast-van-dieren.dode-dieren",
  places={"res", "park", "road", "village"}, hours=[(7, 20)], gap=(30, 480), long=(480, 2880), recur=(10, 60),
  fixed=["plek"],
  slots=dict(
      dier=["een dode zwaan", "een dode vos", "een dode kat", "een dood hert"],
      plek=["op het fietspad", "in de sloot", "in de berm", "op de stoep"]),
  texts=[
      ("s", "R", "{dier} {plek} {naam}"),
      ("m", "R", "Er ligt {dier} {plek} {waar}. Kan dat worden opgehaald?"),
      ("f", "R", "Graag melding van {dier} {plek} {waar}. Het ligt er al een tijdje en trekt meeuwen aan."),
      ("m", "R", "{Dier} {plek} {waar}, kinderen komen hier langs naar school."),
  ])

T("vraag", theme=OTH, family="question", cat=S + "overig.overig", places={"res"}, hours=[(8, 22)],
  gap=(10, 60), same_ok=False,
  texts=[
      ("m", "R", "Wanneer wordt het grofvuil opgehaald {waar}? Ik kan het nergens vinden."),
      ("s", "R", "mag je een oude kast naast de container zetten of moet je grofvuil bellen? {naam}"),
      ("m", "R", "Vraag: wie is de wijkagent voor {naam}? Ik wil iets persoonlijk bespreken."),
      ("f", "R", "Goedendag, hoe vraag ik een extra container aan voor ons appartementencomplex {waar}? Met vriendelijke groet."),
      ("m", "E", "Is er een vergunning nodig voor een uitstalrek voor mijn winkel {waar}?"),
      ("s", "R", "waar kan ik een parkeervergunning aanvragen, woon {waar}"),
  ])

for _name, _t in TYPES.items():
    _t.setdefault("same_ok", True)

# Families that a dispatcher could plausibly link (one group, one person, one vehicle or one
# site behind both reports). Types of related families are never used for diff_kind.
RELATED = {frozenset(x) for x in [
    ("youth_group", "vandalism"), ("burglary", "vandalism"), ("drugs_site", "drugs_street"),
    ("youth_group", "drugs_street"), ("noise", "youth_group"), ("theft_shop", "theft_street"),
    ("fraud", "theft_shop"), ("extortion", "theft_shop"), ("person", "dispute"), ("traffic", "youth_group"),
    ("gas", "fire"), ("crowd", "fire"), ("bikers", "extortion"), ("housing", "drugs_site"),
    ("front", "extortion"), ("front", "drugs_street"), ("burglary", "theft_street"),
    ("burglary", "drugs_street"), ("burglary", "bikers"), ("burglary", "drugs_waste"),
    ("person", "youth_group"), ("housing", "drugs_street"), ("front", "drugs_site"),
]}


def related(t1, t2):
    f1, f2 = TYPES[t1]["family"], TYPES[t2]["family"]
    return f1 == f2 or frozenset((f1, f2)) in RELATED

# ---------------------------------------------------------------------------------------------
# Geometry


def load_beverwijk_buurten():
    with open(BUURTEN, encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for feat in data["features"]:
        p = feat["properties"]
        if p.get("GM_CODE") != "GM0375":
            continue
        g = feat["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out.append((p["BU_CODE"], p["BU_NAAM"], polys))
    return out


def _in_ring(ring, x, y):
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def buurt_of(buurten, lat, lng):
    for code, name, polys in buurten:
        for poly in polys:
            if _in_ring(poly[0], lng, lat) and not any(_in_ring(h, lng, lat) for h in poly[1:]):
                return code, name
    return None


def dist_m(lat1, lng1, lat2, lng2):
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def offset(lat, lng, dist, bearing_deg):
    b = math.radians(bearing_deg)
    dlat = dist * math.cos(b) / 111132.0
    dlng = dist * math.sin(b) / (111320.0 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


# ---------------------------------------------------------------------------------------------
# Generator


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.buurten = load_beverwijk_buurten()
        self.template_use = Counter()

    # --- places, points and times

    def places_for(self, tname):
        spec = TYPES[tname]["places"]
        out = []
        for key, p in PLACES.items():
            if key in spec or p["tags"] & spec:
                out.append(key)
        return sorted(out)

    def inside(self, lat, lng):
        return buurt_of(self.buurten, lat, lng) is not None

    def point_near(self, lat, lng, rmax, rmin=0.0):
        for _ in range(200):
            d = self.rng.uniform(rmin, rmax)
            la, ln = offset(lat, lng, d, self.rng.uniform(0, 360))
            if self.inside(la, ln):
                return la, ln
        raise RuntimeError("no point inside Beverwijk near %f,%f" % (lat, lng))

    def event_point(self, place_key):
        p = PLACES[place_key]
        return self.point_near(p["lat"], p["lng"], p["r"])

    def hour_ok(self, tname, local):
        return any(a <= local.hour < b for a, b in TYPES[tname]["hours"])

    def day_ok(self, tname, local):
        t = TYPES[tname]
        night_of = (local - dt.timedelta(hours=6)).date()
        if t["weekdays"] is not None and night_of.weekday() not in t["weekdays"]:
            return False
        if t["months"] is not None:
            if t["months"] == [1, 12]:  # fireworks season only
                md = (night_of.month, night_of.day)
                if not (md >= (12, 27) or md <= (1, 1)):
                    return False
            elif night_of.month not in t["months"]:
                return False
        return True

    def random_local_time(self, tname, date=None):
        t = TYPES[tname]
        for _ in range(5000):
            if date is None:
                d = dt.date(2026, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365))
            else:
                d = date
            a, b = self.rng.choice(t["hours"])
            local = dt.datetime(d.year, d.month, d.day, self.rng.randrange(a, b), self.rng.randrange(0, 60),
                                tzinfo=TZ)
            if local.year == 2026 and self.day_ok(tname, local) and self.hour_ok(tname, local):
                return local
            if date is not None and _ > 50:
                return None
        raise RuntimeError("no time for " + tname)

    def time_ok(self, tname, local):
        return local.year == 2026 and self.day_ok(tname, local) and self.hour_ok(tname, local)

    # --- slots and texts

    def options_at(self, tname, key, place_key):
        tags = PLACES[place_key]["tags"]
        return [o for o in TYPES[tname]["slots"][key]
                if not (isinstance(o, dict) and "only" in o and not (o["only"] & tags))]

    def draw_slots(self, tname, place_key, keep=None):
        t = TYPES[tname]
        vals = {}
        for key in t["slots"]:
            if key in t["per_report"]:
                continue
            if keep is not None and key in t["fixed"] and key in keep:
                v = keep[key]
            else:
                v = self.rng.choice(self.options_at(tname, key, place_key))
            vals[key] = v
        return vals

    def flat_slots(self, tname, event, extra=None):
        t = TYPES[tname]
        flat = {}
        for key, v in event["slots"].items():
            if isinstance(v, dict):
                flat.update({k: x for k, x in v.items() if k not in ("cat", "only")})
            else:
                flat[key] = v
        for key in t["per_report"]:
            v = (extra or {}).get(key) or self.rng.choice(self.options_at(tname, key, event["place"]))
            if isinstance(v, dict):
                flat.update({k: x for k, x in v.items() if k not in ("cat", "only")})
            else:
                flat[key] = v
        p = PLACES[event["place"]]
        flat["waar"] = p["waar"]
        flat["naam"] = p["naam"]
        flat["richting"] = event["richting"]
        return flat

    def event_category(self, tname, event):
        for v in event["slots"].values():
            if isinstance(v, dict) and "cat" in v:
                return v["cat"]
        return TYPES[tname]["cat"]

    def fill(self, text, flat):
        def rep(m):
            key = m.group(1)
            cap = key[0].isupper()
            base = key[0].lower() + key[1:]
            v = flat[base]
            if cap:
                v = v[0].upper() + v[1:]
            return v
        out = re.sub(r"\{([A-Za-z0-9_]+)\}", rep, text)
        return re.sub(r"\s+", " ", out).strip()

    def roughen(self, text, register):
        """Short texts are typed quickly: sometimes all lower case, sometimes no final stop."""
        if register != "s":
            return text
        r = self.rng.random()
        if r < 0.45:
            text = text.lower()
        if text.endswith(".") and self.rng.random() < 0.6:
            text = text[:-1]
        return text

    def choose_templates(self, tname, place_key, n=2, regs=None):
        t = TYPES[tname]
        business = bool(PLACES[place_key]["tags"] & BUSINESS_TAGS)
        idx = [i for i, (reg, role, _) in enumerate(t["texts"]) if role != "E" or business]
        picks = []
        for k in range(n):
            want = regs[k] if regs else None
            cand = [i for i in idx if i not in picks and (want is None or t["texts"][i][0] == want)]
            if not cand:
                return None
            # prefer templates used least so far, for variety
            least = min(self.template_use[(tname, i)] for i in cand)
            cand = [i for i in cand if self.template_use[(tname, i)] <= least + 1]
            picks.append(self.rng.choice(cand))
        for i in picks:
            self.template_use[(tname, i)] += 1
        return picks

    def role_for(self, tname, ti, place_key):
        role = TYPES[tname]["texts"][ti][1]
        if role == "E":
            return "ENTREPRENEUR"
        if role == "*":
            return self.rng.choice(["RESIDENT", "ENTREPRENEUR"])
        return "RESIDENT"

    def accuracy(self, wide=False):
        if wide:
            return self.rng.choice([25, 35, 40, 50, 65, 80, 100, 120])
        return self.rng.choice([4, 5, 6, 8, 10, 12, 15, 16, 20, 25, 30, 40, 50])

    # --- events and reports

    def new_event(self, tname, place_key=None, local=None, point=None, keep=None):
        if place_key is None:
            place_key = self.rng.choice(self.places_for(tname))
        if local is None:
            local = self.random_local_time(tname)
        if point is None:
            point = self.event_point(place_key)
        return dict(type=tname, place=place_key, local=local, point=point,
                    slots=self.draw_slots(tname, place_key, keep), richting=self.rng.choice(PLACES[place_key]["richting"]))

    def report(self, event, ti, local, point, category=None, wide=False, per_report=None):
        tname = event["type"]
        reg, _, text = TYPES[tname]["texts"][ti]
        flat = self.flat_slots(tname, event, per_report)
        body = self.roughen(self.fill(text, flat), reg)
        utc = local.astimezone(UTC)
        return {
            "category": category or self.event_category(tname, event),
            "role": self.role_for(tname, ti, event["place"]),
            "lat": round(point[0], 6),
            "lng": round(point[1], 6),
            "accuracy_m": self.accuracy(wide),
            "time": utc.strftime("%Y-%m-%dT%H:%M:00Z"),
            "text": body,
        }

    def later(self, tname, local, gap_min, keep_clock=False):
        """local + gap, re-drawn within the type's hours when the gap spans days."""
        if gap_min < 1440:
            return local + dt.timedelta(minutes=gap_min)
        days = gap_min // 1440
        d = (local + dt.timedelta(days=days)).date()
        return self.random_local_time(tname, date=d)

    # --- pair kinds

    def pair_same(self, tname, kind):
        t = TYPES[tname]
        for _ in range(100):
            ev = self.new_event(tname)
            regs = None
            if kind == "same_register":
                regs = ["s", "f"] if self.rng.random() < 0.5 else ["f", "s"]
            picks = self.choose_templates(tname, ev["place"], 2, regs)
            if picks is None:
                continue
            # times
            if kind == "same_longgap":
                lo, hi = t["long"]
                gap = self.rng.randint(lo, hi)
            elif kind == "same_near":
                lo, hi = t["gap"]
                gap = self.rng.randint(lo, max(lo, (lo + hi) // 2))
            else:
                gap = self.rng.randint(*t["gap"])
            t2 = self.later(tname, ev["local"], gap)
            if t2 is None or not self.time_ok(tname, t2):
                continue
            # points
            if kind == "same_gps":
                pa = self.point_near(ev["point"][0], ev["point"][1], 20)
                pb = None
                for _ in range(100):
                    cand = self.point_near(pa[0], pa[1], 150, 80)
                    if 80 <= dist_m(pa[0], pa[1], cand[0], cand[1]) <= 150:
                        pb = cand
                        break
                if pb is None:
                    continue
            elif kind == "same_near":
                pa = self.point_near(ev["point"][0], ev["point"][1], 15)
                pb = self.point_near(ev["point"][0], ev["point"][1], 15)
            else:
                pa = self.point_near(ev["point"][0], ev["point"][1], 30)
                pb = self.point_near(ev["point"][0], ev["point"][1], 30)
            cat_a = cat_b = None
            if kind == "same_category":
                base = self.event_category(tname, ev)
                alts = [c for c in t["alt"] if c != base]
                if not alts:
                    continue
                cat_b = self.rng.choice(alts)
            wide = kind == "same_gps"
            a = self.report(ev, picks[0], ev["local"], pa, cat_a, wide)
            b = self.report(ev, picks[1], t2, pb, cat_b, wide)
            meta = dict(types=[tname, tname], places=[ev["place"], ev["place"]], templates=[picks[0], picks[1]])
            return a, b, meta
        raise RuntimeError("could not make %s pair for %s" % (kind, tname))

    def pair_diff_time(self, tname):
        t = TYPES[tname]
        for _ in range(200):
            ev1 = self.new_event(tname)
            use_sameday = t["sameday"] is not None and self.rng.random() < 0.3
            if use_sameday:
                h = self.rng.uniform(*t["sameday"])
                local2 = ev1["local"] + dt.timedelta(hours=h)
                if self.rng.random() < 0.5:
                    local2 = ev1["local"] - dt.timedelta(hours=h)
                local2 = local2.replace(minute=self.rng.randrange(60))
            else:
                lo, hi = t["recur"]
                days = self.rng.randint(lo, hi)
                if lo == hi == 7 and self.rng.random() < 0.25:
                    days = 14
                sign = 1 if self.rng.random() < 0.75 else -1
                local2 = ev1["local"] + dt.timedelta(days=sign * days,
                                                     minutes=self.rng.randint(-45, 45))
                local2 = local2.astimezone(TZ)
            if not self.time_ok(tname, local2):
                continue
            p2 = self.point_near(ev1["point"][0], ev1["point"][1], 35)
            must_differ = t["recur_ident"] + (t["ident"] if use_sameday else [])
            for _ in range(50):
                ev2 = self.new_event(tname, ev1["place"], local2, p2, keep=ev1["slots"])
                if all(ev2["slots"][k] != ev1["slots"][k] for k in must_differ):
                    break
            else:
                continue
            picks = self.choose_templates(tname, ev1["place"], 2)
            if picks is None:
                continue
            a = self.report(ev1, picks[0], ev1["local"], self.point_near(*ev1["point"], 15))
            b = self.report(ev2, picks[1], local2, self.point_near(*p2, 15))
            gap_h = abs((local2 - ev1["local"]).total_seconds()) / 3600
            meta = dict(types=[tname, tname], places=[ev1["place"], ev1["place"]], templates=picks,
                        sameday=use_sameday, gap_h=gap_h)
            return a, b, meta
        raise RuntimeError("diff_time failed for " + tname)

    def far_place_pairs(self, tname, lo=300, hi=1500):
        ps = self.places_for(tname)
        out = []
        for i, x in enumerate(ps):
            for y in ps[i + 1:]:
                d = dist_m(PLACES[x]["lat"], PLACES[x]["lng"], PLACES[y]["lat"], PLACES[y]["lng"])
                if lo + 60 <= d <= hi - 60:
                    out.append((x, y))
        return out

    def pair_diff_space(self, tname):
        pairs = self.far_place_pairs(tname)
        for _ in range(200):
            x, y = self.rng.choice(pairs)
            if self.rng.random() < 0.5:
                x, y = y, x
            ev1 = self.new_event(tname, x)
            local2 = ev1["local"] + dt.timedelta(minutes=self.rng.randint(-10, 10))
            if not self.time_ok(tname, local2):
                continue
            for _ in range(50):
                ev2 = self.new_event(tname, y, local2)
                if all(ev2["slots"][k] != ev1["slots"][k] for k in TYPES[tname]["ident"]) and \
                        self.event_category(tname, ev2) == self.event_category(tname, ev1):
                    break
            else:
                continue
            d = dist_m(ev1["point"][0], ev1["point"][1], ev2["point"][0], ev2["point"][1])
            if not 300 <= d <= 1500:
                continue
            picks = self.choose_templates(tname, x, 1)
            picks2 = self.choose_templates(tname, y, 1)
            if picks is None or picks2 is None:
                continue
            a = self.report(ev1, picks[0], ev1["local"], ev1["point"])
            b = self.report(ev2, picks2[0], local2, ev2["point"])
            meta = dict(types=[tname, tname], places=[x, y], templates=[picks[0], picks2[0]], dist=d)
            return a, b, meta
        raise RuntimeError("diff_space failed for " + tname)

    def pair_diff_kind(self, t1, t2):
        shared = sorted(set(self.places_for(t1)) & set(self.places_for(t2)))
        for _ in range(300):
            place = self.rng.choice(shared)
            ev1 = self.new_event(t1, place)
            local2 = ev1["local"] + dt.timedelta(minutes=self.rng.randint(-15, 15))
            if not self.time_ok(t2, local2):
                continue
            p2 = self.point_near(ev1["point"][0], ev1["point"][1], 60)
            ev2 = self.new_event(t2, place, local2, p2)
            pa = self.choose_templates(t1, place, 1)
            pb = self.choose_templates(t2, place, 1)
            if pa is None or pb is None:
                continue
            a = self.report(ev1, pa[0], ev1["local"], self.point_near(*ev1["point"], 10))
            b = self.report(ev2, pb[0], local2, self.point_near(*p2, 10))
            meta = dict(types=[t1, t2], places=[place, place], templates=[pa[0], pb[0]])
            return a, b, meta
        return None

    def pair_diff_easy(self, t1, t2):
        for _ in range(300):
            ev1 = self.new_event(t1)
            ev2 = self.new_event(t2)
            d = dist_m(ev1["point"][0], ev1["point"][1], ev2["point"][0], ev2["point"][1])
            if d < 1000:
                continue
            gap = abs((ev2["local"] - ev1["local"]).total_seconds())
            if gap < 2 * 86400:
                continue
            pa = self.choose_templates(t1, ev1["place"], 1)
            pb = self.choose_templates(t2, ev2["place"], 1)
            if pa is None or pb is None:
                continue
            a = self.report(ev1, pa[0], ev1["local"], ev1["point"])
            b = self.report(ev2, pb[0], ev2["local"], ev2["point"])
            meta = dict(types=[t1, t2], places=[ev1["place"], ev2["place"]], templates=[pa[0], pb[0]], dist=d)
            return a, b, meta
        raise RuntimeError("diff_easy failed")


def hours_overlap(t1, t2):
    h1 = {h for a, b in TYPES[t1]["hours"] for h in range(a, b)}
    h2 = {h for a, b in TYPES[t2]["hours"] for h in range(a, b)}
    return len(h1 & h2) >= 2


def fmt_gap(a, b):
    ta = dt.datetime.strptime(a["time"], "%Y-%m-%dT%H:%M:%SZ")
    tb = dt.datetime.strptime(b["time"], "%Y-%m-%dT%H:%M:%SZ")
    m = abs((tb - ta).total_seconds()) / 60
    if m < 90:
        return "%d min" % round(m)
    if m < 48 * 60:
        return "%.1f h" % (m / 60)
    return "%.1f days" % (m / 1440)


NICE = {k: k.replace("_", " ") for k in TYPES}


def note_for(kind, meta, a, b):
    t1, t2 = meta["types"]
    d = dist_m(a["lat"], a["lng"], b["lat"], b["lng"])
    gap = fmt_gap(a, b)
    p1, p2 = PLACES[meta["places"][0]]["naam"], PLACES[meta["places"][1]]["naam"]
    if kind == "same_near":
        return "One %s at %s, two reporters %s apart, %d m." % (NICE[t1], p1, gap, d)
    if kind == "same_register":
        return "One %s at %s; short chat-style and long formal wording, %s apart, %d m." % (NICE[t1], p1, gap, d)
    if kind == "same_category":
        return "One %s at %s; reporters chose %s vs %s, %s apart." % (NICE[t1], p1, a["category"], b["category"], gap)
    if kind == "same_gps":
        return "One %s at %s; GPS fixes %d m apart (inaccurate phones / other side of the street), %s apart." % (
            NICE[t1], p1, d, gap)
    if kind == "same_longgap":
        return "One lasting %s situation at %s reported %s apart; still the same." % (NICE[t1], p1, gap)
    if kind == "diff_time":
        return "Same kind (%s) at the same spot in %s, but another occurrence, %s apart." % (NICE[t1], p1, gap)
    if kind == "diff_space":
        return "Two separate %s events at the same time, %s vs %s, %d m apart." % (NICE[t1], p1, p2, d)
    if kind == "diff_kind":
        return "Same street (%s), same minutes, but unrelated events: %s vs %s." % (p1, NICE[t1], NICE[t2])
    if kind == "diff_easy":
        return "Unrelated: %s in %s vs %s in %s, %s apart." % (NICE[t1], p1, NICE[t2], p2, gap)
    raise ValueError(kind)


THEME_WEIGHT = {LIV: 0.27, YTH: 0.19, SUB: 0.19, PHB: 0.21, OTH: 0.14}


def balanced_cycle(rng, names, n):
    """n type names, spread over themes by THEME_WEIGHT and evenly over types within a theme.
    No type is used more than `cap` times; what a small theme cannot take goes to the others."""
    by_theme = defaultdict(list)
    for x in names:
        by_theme[TYPES[x]["theme"]].append(x)
    themes = sorted(by_theme)
    cap = max(2, math.ceil(1.6 * n / len(names)))
    room = {th: cap * len(by_theme[th]) for th in themes}
    count = {th: 0 for th in themes}
    for _ in range(n):
        open_th = [th for th in themes if count[th] < room[th]]
        # the theme furthest below its weighted share gets the next pair
        th = min(open_th, key=lambda t: (count[t] + 1) / THEME_WEIGHT[t])
        count[th] += 1
    out = []
    for th in themes:
        pool = []
        for _ in range(count[th]):
            if not pool:
                pool = by_theme[th][:]
                rng.shuffle(pool)
            out.append(pool.pop())
    rng.shuffle(out)
    return out


def build():
    g = Gen(SEED)
    rng = g.rng
    pairs = []

    def add(kind, label, res):
        a, b, meta = res
        if rng.random() < 0.5:
            a, b = b, a
            meta = {k: (v[::-1] if isinstance(v, list) else v) for k, v in meta.items()}
        pairs.append(dict(kind=kind, label=label, a=a, b=b, meta=meta, note=note_for(kind, meta, a, b)))

    same_types = [k for k, t in TYPES.items() if t["same_ok"]]
    # same kinds
    for kind in ["same_near", "same_register", "same_category", "same_gps", "same_longgap"]:
        if kind == "same_register":
            elig = [k for k in same_types if {"s", "f"} <= {x[0] for x in TYPES[k]["texts"]}]
        elif kind == "same_category":
            elig = [k for k in same_types if TYPES[k]["alt"]]
        elif kind == "same_longgap":
            elig = [k for k in same_types if TYPES[k]["long"]]
        else:
            elig = same_types
        feat = FEATURED.get(kind, [])
        for tname in feat + balanced_cycle(rng, elig, QUOTA[kind] - len(feat)):
            add(kind, "same", g.pair_same(tname, kind))

    # diff_time
    elig = [k for k, t in TYPES.items() if t["recur"]]
    feat = FEATURED["diff_time"]
    for tname in feat + balanced_cycle(rng, elig, QUOTA["diff_time"] - len(feat)):
        add("diff_time", "different", g.pair_diff_time(tname))

    # diff_space
    elig = [k for k in TYPES if k != "vraag" and not TYPES[k]["no_space"] and g.far_place_pairs(k)]
    feat = FEATURED["diff_space"]
    for tname in feat + balanced_cycle(rng, elig, QUOTA["diff_space"] - len(feat)):
        add("diff_space", "different", g.pair_diff_space(tname))

    # diff_kind: first type balanced over themes, second any unrelated type sharing a place
    names = [k for k in TYPES]
    for t1, t2 in FEATURED["diff_kind"]:
        assert not related(t1, t2)
        res = g.pair_diff_kind(t1, t2)
        if res is None:
            raise RuntimeError("featured diff_kind %s+%s failed" % (t1, t2))
        add("diff_kind", "different", res)
    firsts = balanced_cycle(rng, [k for k in names if k != "vraag"], QUOTA["diff_kind"] - len(FEATURED["diff_kind"]))
    for t1 in firsts:
        partners = [t2 for t2 in names if t2 != t1 and not related(t1, t2)
                    and TYPES[t2]["cat"] != TYPES[t1]["cat"]
                    and TYPES[t2]["cat"] not in TYPES[t1]["alt"] and TYPES[t1]["cat"] not in TYPES[t2]["alt"]
                    and set(g.places_for(t1)) & set(g.places_for(t2)) and hours_overlap(t1, t2)]
        rng.shuffle(partners)
        for t2 in partners:
            res = g.pair_diff_kind(t1, t2)
            if res:
                add("diff_kind", "different", res)
                break
        else:
            raise RuntimeError("no diff_kind partner for " + t1)

    # diff_easy
    firsts = balanced_cycle(rng, names, QUOTA["diff_easy"])
    for t1 in firsts:
        others = [t2 for t2 in names if TYPES[t2]["theme"] != TYPES[t1]["theme"]]
        add("diff_easy", "different", g.pair_diff_easy(t1, rng.choice(others)))

    # split: stratified by kind (which fixes the label), fixed seed
    split_rng = random.Random(SEED + 1)
    by_kind = defaultdict(list)
    for i, p in enumerate(pairs):
        by_kind[p["kind"]].append(i)
    for kind, idx in sorted(by_kind.items()):
        split_rng.shuffle(idx)
        n_tune = round(TUNE_SHARE * len(idx))
        for j, i in enumerate(idx):
            pairs[i]["split"] = "tune" if j < n_tune else "test"

    order = list(range(len(pairs)))
    random.Random(SEED + 2).shuffle(order)
    out = []
    for n, i in enumerate(order, 1):
        p = pairs[i]
        out.append(dict(id="p%04d" % n, split=p["split"], label=p["label"], kind=p["kind"], note=p["note"],
                        a=p["a"], b=p["b"], _meta=p["meta"]))
    return out


# ---------------------------------------------------------------------------------------------
# Validation


def valid_codes():
    codes = set()
    with open(WATCH_CSV, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            codes.add(r["code"])
    inactive = set()
    with open(SIGNALEN_CSV, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            c = "signalen.%s.%s" % (r["main_slug"], r["sub_slug"])
            (codes if r["is_active"].strip().lower() == "true" else inactive).add(c)
    return codes, inactive


def check(path):
    codes, inactive = valid_codes()
    buurten = load_beverwijk_buurten()
    problems = []
    ids = set()
    n = 0
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            n += 1
            try:
                p = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append("%d: not JSON: %s" % (ln, e))
                continue
            keys = {"id", "split", "label", "kind", "note", "a", "b"}
            if set(p) != keys:
                problems.append("%d: keys %s" % (ln, sorted(p)))
            if p.get("id") in ids:
                problems.append("%d: duplicate id %s" % (ln, p.get("id")))
            ids.add(p.get("id"))
            if not re.fullmatch(r"p\d{4}", p.get("id", "")):
                problems.append("%d: bad id" % ln)
            if p.get("split") not in ("tune", "test"):
                problems.append("%d: bad split" % ln)
            if p.get("label") not in ("same", "different"):
                problems.append("%d: bad label" % ln)
            if p.get("kind") not in QUOTA:
                problems.append("%d: bad kind" % ln)
            elif (p["kind"].startswith("same")) != (p["label"] == "same"):
                problems.append("%d: kind/label mismatch" % ln)
            for side in ("a", "b"):
                r = p.get(side, {})
                if set(r) != {"category", "role", "lat", "lng", "accuracy_m", "time", "text"}:
                    problems.append("%d%s: keys %s" % (ln, side, sorted(r)))
                    continue
                if r["category"] not in codes:
                    problems.append("%d%s: unknown or inactive category %s" % (ln, side, r["category"]))
                if r["role"] not in ("RESIDENT", "ENTREPRENEUR"):
                    problems.append("%d%s: bad role" % (ln, side))
                if not (isinstance(r["lat"], float) and isinstance(r["lng"], float)):
                    problems.append("%d%s: lat/lng not numbers" % (ln, side))
                elif buurt_of(buurten, r["lat"], r["lng"]) is None:
                    problems.append("%d%s: %f,%f not in a Beverwijk buurt" % (ln, side, r["lat"], r["lng"]))
                if not isinstance(r["accuracy_m"], int) or r["accuracy_m"] <= 0:
                    problems.append("%d%s: bad accuracy" % (ln, side))
                try:
                    t = dt.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ")
                    if t.year != 2026:
                        problems.append("%d%s: not 2026" % (ln, side))
                except ValueError:
                    problems.append("%d%s: bad time %s" % (ln, side, r["time"]))
                txt = r["text"]
                if not txt or "{" in txt or "}" in txt:
                    problems.append("%d%s: bad text %r" % (ln, side, txt))
                if re.search(r"test", txt, re.I):
                    problems.append("%d%s: text contains 'test'" % (ln, side))
            if p.get("a") == p.get("b"):
                problems.append("%d: identical reports" % ln)
    return n, problems


def stats(path):
    rows = [json.loads(x) for x in open(path, encoding="utf-8")]
    print("pairs:", len(rows))
    c = Counter((r["label"], r["kind"], r["split"]) for r in rows)
    kinds = [k for k in QUOTA]
    print("\n| kind | label | tune | test | total |\n|---|---|---:|---:|---:|")
    for k in kinds:
        lab = "same" if k.startswith("same") else "different"
        print("| %s | %s | %d | %d | %d |" % (k, lab, c[(lab, k, "tune")], c[(lab, k, "test")],
                                            c[(lab, k, "tune")] + c[(lab, k, "test")]))
    for lab in ("same", "different"):
        tu = sum(v for (l, k, s), v in c.items() if l == lab and s == "tune")
        te = sum(v for (l, k, s), v in c.items() if l == lab and s == "test")
        print("| **all %s** | %s | %d | %d | %d |" % (lab, lab, tu, te, tu + te))
    tu = sum(v for (l, k, s), v in c.items() if s == "tune")
    te = sum(v for (l, k, s), v in c.items() if s == "test")
    print("| **all** | | %d | %d | %d |" % (tu, te, tu + te))

    def t(r):
        return dt.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ")

    def gap(m):
        return "%d min" % m if m < 90 else ("%.1f h" % (m / 60) if m < 2880 else "%.0f d" % (m / 1440))

    print("\n| kind | distance a-b (m): min / median / max | time gap: min / median / max |\n|---|---|---|")
    for k in kinds:
        ds = sorted(dist_m(r["a"]["lat"], r["a"]["lng"], r["b"]["lat"], r["b"]["lng"]) for r in rows if r["kind"] == k)
        gs = sorted(abs((t(r["a"]) - t(r["b"])).total_seconds()) / 60 for r in rows if r["kind"] == k)
        print("| %s | %d / %d / %d | %s / %s / %s |" % (k, ds[0], ds[len(ds) // 2], ds[-1],
                                                    gap(gs[0]), gap(gs[len(gs) // 2]), gap(gs[-1])))
    # themes from the generator's event types (the output does not store them)
    th = defaultdict(Counter)
    for p in build():
        themes = {TYPES[x]["theme"] for x in p["_meta"]["types"]}
        th[p["kind"]][themes.pop() if len(themes) == 1 else "two themes"] += 1
    cols = [LIV, YTH, SUB, PHB, OTH, "two themes"]
    print("\n| kind | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols))
    for k in kinds:
        print("| %s | %s |" % (k, " | ".join(str(th[k][c]) for c in cols)))
    tot = Counter()
    for k in kinds:
        tot.update(th[k])
    print("| **all** | %s |" % " | ".join(str(tot[c]) for c in cols))
    cats = Counter(r[s]["category"] for r in rows for s in "ab")
    roles = Counter(r[s]["role"] for r in rows for s in "ab")
    print("\n%d distinct category codes (%d Signalen); roles %s" % (
        len(cats), sum(1 for x in cats if x.startswith("signalen.")), dict(roles)))
    print("Signalen codes used:", ", ".join(sorted(x for x in cats if x.startswith("signalen."))))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--stats", action="store_true")
    args = ap.parse_args()
    if args.check or args.stats:
        n, problems = check(OUT)
        for p in problems[:50]:
            print(p)
        print("%d pairs checked, %d problems" % (n, len(problems)))
        if args.stats:
            stats(OUT)
        sys.exit(1 if problems else 0)
    pairs = build()
    with open(OUT, "w", encoding="utf-8") as f:
        for p in pairs:
            q = {k: v for k, v in p.items() if not k.startswith("_")}
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    # theme table for README (from the generator's event types)
    th = Counter()
    for p in pairs:
        for t in set(p["_meta"]["types"]):
            th[(p["label"], TYPES[t]["theme"])] += 1
    print("themes (pairs touching a theme):")
    for lab in ("same", "different"):
        print(" ", lab, {k[1]: v for k, v in sorted(th.items()) if k[0] == lab})
    n, problems = check(OUT)
    for p in problems[:50]:
        print(p)
    print("%d pairs written to %s, %d problems" % (n, OUT, len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
