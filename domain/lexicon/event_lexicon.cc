// The curated stem list and its matcher (a character trie walked from every position).
//
// Pattern syntax: lower-case ASCII as NormaliseForModel leaves it; a leading '|' anchors the
// pattern at the start of a word, a trailing '|' at its end; inner spaces match one space.
// "|fiets" matches "fietsendief" but not "bakfiets"; "|man|" matches only the word "man".
// Short or ambiguous stems are anchored; compound heads ("diefstal") are not.
#include <array>
#include "domain/lexicon/event_lexicon.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace wijkwacht::lexicon {
namespace {

using P = Persistence;

constexpr EventKindInfo kCueInfo[] = {
    {"bike_theft", P::kInstant},       {"vehicle_theft", P::kInstant},
    {"car_break_in", P::kInstant},     {"home_burglary", P::kInstant},
    {"business_burglary", P::kInstant}, {"pickpocket", P::kInstant},
    {"shoplifting", P::kInstant},      {"robbery", P::kInstant},
    {"fraud", P::kInstant},            {"noise", P::kEvening},
    {"fireworks", P::kEvening},        {"collision", P::kInstant},
    {"speeding", P::kEvening},         {"confused_person", P::kInstant},
    {"drunk", P::kEvening},            {"fight", P::kInstant},
    {"hanging_youth", P::kEvening},    {"laughing_gas", P::kEvening},
    {"vandalism", P::kInstant},        {"graffiti", P::kDays},
    {"arson", P::kInstant},            {"dumping", P::kDays},
    {"drug_dealing", P::kLasting},     {"grow_house", P::kLasting},
    {"drug_waste", P::kDays},       {"extortion", P::kLasting},
    {"front_business", P::kLasting},   {"overcrowding", P::kLasting},
    {"trafficking", P::kLasting},      {"bikers", P::kLasting},
    {"harassment", P::kInstant},       {"suspicious_person", P::kInstant},
    {"suspicious_vehicle", P::kEvening}, {"loose_dog", P::kInstant},
    {"animal", P::kDays},           {"pests", P::kLasting},
    {"street_light", P::kLasting},     {"road_damage", P::kLasting},
    {"tree", P::kLasting},             {"traffic_light", P::kLasting},
    {"gas_smell", P::kInstant},        {"fire_hazard", P::kLasting},
    {"blocked_exit", P::kLasting},     {"crowd", P::kEvening},
    {"staff_aggression", P::kInstant}, {"waste", P::kDays},
    {"question", P::kLasting},         {"lost_found", P::kLasting},
    {"parking", P::kEvening},          {"commotion", P::kInstant},
    {"youth_actor", P::kInstant},      {"shop_setting", P::kInstant},
    {"organised", P::kInstant},        {"maintenance", P::kInstant},
    {"threat", P::kInstant},           {"home", P::kInstant},
    {"vehicle", P::kInstant},
};
static_assert(sizeof(kCueInfo) / sizeof(kCueInfo[0]) == kNumCues);

// What a pattern sets: a cue, a colour, a gender or a brand bit.
enum class Slot : uint8_t { kCue, kColour, kGender, kBrand };
struct Entry {
  const char* pattern;
  Slot slot;
  int value;
};
constexpr Entry C(const char* p, Cue c) { return {p, Slot::kCue, c}; }
constexpr Entry Col(const char* p, Colour c) { return {p, Slot::kColour, c}; }
constexpr Entry G(const char* p, Gender g) { return {p, Slot::kGender, g}; }

// Brands: bit = index in this table; class per entry.
struct Brand {
  const char* pattern;
  BrandClass brand_class;
};
constexpr Brand kBrands[] = {
    {"|gazelle|", BrandClass::kBike},   {"|batavus|", BrandClass::kBike},
    {"|sparta|", BrandClass::kBike},    {"|cortina|", BrandClass::kBike},
    {"|vanmoof|", BrandClass::kBike},   {"|giant|", BrandClass::kBike},
    {"|trek|", BrandClass::kBike},      {"|stella|", BrandClass::kBike},    {"|qwic|", BrandClass::kBike},
    {"|fatbike|", BrandClass::kBike},   {"|omafiets|", BrandClass::kBike},
    {"|racefiets|", BrandClass::kBike}, {"|bakfiets|", BrandClass::kBike},
    {"|mountainbike|", BrandClass::kBike}, {"|e bike|", BrandClass::kBike},
    {"|golf|", BrandClass::kCar},       {"|polo|", BrandClass::kCar},
    {"|bmw|", BrandClass::kCar},        {"|audi|", BrandClass::kCar},
    {"|mercedes|", BrandClass::kCar},   {"|opel|", BrandClass::kCar},
    {"|ford|", BrandClass::kCar},       {"|toyota|", BrandClass::kCar},
    {"|renault|", BrandClass::kCar},    {"|peugeot|", BrandClass::kCar},
    {"|tesla|", BrandClass::kCar},      {"|fiat|", BrandClass::kCar},
    {"|kia|", BrandClass::kCar},        {"|skoda|", BrandClass::kCar},
    {"|volvo|", BrandClass::kCar},      {"|citroen|", BrandClass::kCar},
    {"|seat|", BrandClass::kCar},       {"|vespa|", BrandClass::kScooter},  {"|piaggio|", BrandClass::kScooter},
    {"|yamaha|", BrandClass::kScooter}, {"|pitbull", BrandClass::kDog},     {"|husky", BrandClass::kDog},
    {"|herder", BrandClass::kDog},      {"|rottweiler", BrandClass::kDog},
    {"|labrador", BrandClass::kDog},    {"|teckel", BrandClass::kDog},
    {"|stafford", BrandClass::kDog},    {"|chihuahua", BrandClass::kDog},
    {"|bulldog", BrandClass::kDog},     {"|poedel", BrandClass::kDog},
    {"|motor|", BrandClass::kVehicleType}, {"|scooter", BrandClass::kVehicleType}, {"|brommer", BrandClass::kVehicleType},
    {"|busje", BrandClass::kVehicleType}, {"|bestelbus", BrandClass::kVehicleType},
    {"|vrachtwagen", BrandClass::kVehicleType}, {"|auto|", BrandClass::kVehicleType},
    {"|iphone", BrandClass::kPhone},    {"|samsung|", BrandClass::kPhone},
    {"|huawei|", BrandClass::kPhone},   {"|xiaomi|", BrandClass::kPhone},
    };
constexpr int kNumBrands = sizeof(kBrands) / sizeof(kBrands[0]);
static_assert(kNumBrands <= 64);

// The curated stems. Order does not matter. Dutch first, then English (expats), then slang.
constexpr Entry kEntries[] = {
    // bike theft
    C("fietsdief", kBikeTheft), C("fietsendief", kBikeTheft), C("|fiets gestolen", kBikeTheft),
    C("|fiets is gestolen", kBikeTheft), C("|fiets gejat", kBikeTheft),
    C("|fiets weg|", kBikeTheft), C("|fiets is weg|", kBikeTheft), C("fiets gepikt", kBikeTheft),
    C("|slot doorgeknipt", kBikeTheft), C("|slot doorgezaagd", kBikeTheft),
    C("|sloten doorgeknipt", kBikeTheft), C("|slot opengebroken", kBikeTheft),
    C("|kniptang", kBikeTheft), C("|doorknip", kBikeTheft), C("|doorgeknipt", kBikeTheft), C("|betonschaar", kBikeTheft), C("|rijwiel", kBikeTheft),
    C("|bike stolen", kBikeTheft), C("|bike was stolen", kBikeTheft),
    C("|bicycle", kBikeTheft), C("|stole my bike", kBikeTheft), C("|bike theft", kBikeTheft),
    C("|stole a bike", kBikeTheft), C("|bike thie", kBikeTheft), C("|lock cut", kBikeTheft),
    C("|cut the lock", kBikeTheft), C("|cutting lock", kBikeTheft),
    C("|fietsen stelen", kBikeTheft), C("|fiets stelen", kBikeTheft),
    C("|fiets meegenomen", kBikeTheft), C("|fiets ontvreemd", kBikeTheft),
    C("|fiets gestol", kBikeTheft), C("|mijn fiets", kBikeTheft),
    // vehicle theft
    C("|scooter gestolen", kVehicleTheft), C("|brommer gestolen", kVehicleTheft),
    C("|auto gestolen", kVehicleTheft), C("|car stolen", kVehicleTheft),
    C("|scooter gejat", kVehicleTheft), C("|motor gestolen", kVehicleTheft),
    C("|kentekenplat", kCarBreakIn),
    // car break-in
    C("auto inbraak", kCarBreakIn), C("autoinbraak", kCarBreakIn), C("|ruit ingeslagen", kCarBreakIn),
    C("autoruit", kCarBreakIn), C("|ingeslagen ruit", kCarBreakIn), C("|glas op straat", kCarBreakIn),
    C("|glas naast", kCarBreakIn), C("|auto opengebroken", kCarBreakIn),
    C("|in mijn auto ingebroken", kCarBreakIn), C("|in de auto ingebroken", kCarBreakIn),
    C("|car window", kCarBreakIn), C("|broke into my car", kCarBreakIn),
    C("|broken into my car", kCarBreakIn), C("|car broken into", kCarBreakIn),
    C("|car was broken into", kCarBreakIn), C("|navigatie", kCarBreakIn),
    C("|zijruit", kCarBreakIn), C("|portier open", kCarBreakIn), C("|airbag", kCarBreakIn),
    C("|smashed window", kCarBreakIn), C("|ruit ligt", kCarBreakIn), C("|ruit eruit", kCarBreakIn),
    C("|radio weg", kCarBreakIn), C("|uit de auto", kCarBreakIn), C("|uit mijn auto", kCarBreakIn), C("|window smashed", kCarBreakIn),
    // burglary
    C("|inbraak", kHomeBurglary), C("|ingebroken", kHomeBurglary), C("|inbreker", kHomeBurglary),
    C("|inbreken", kHomeBurglary), C("woninginbraak", kHomeBurglary),
    C("|braakschade", kHomeBurglary), C("|opengebroken", kHomeBurglary),
    C("|schuur opengebroken", kHomeBurglary), C("|burglar", kHomeBurglary),
    C("|broke into", kHomeBurglary), C("|broken into", kHomeBurglary),
    C("|break in", kHomeBurglary), C("|breakin", kHomeBurglary),
    C("|deur geforceerd", kHomeBurglary), C("|geforceerd", kHomeBurglary),
    C("|raam open gebroken", kHomeBurglary), C("|ramkraak", kBusinessBurglary),
    C("|bedrijfsinbraak", kBusinessBurglary), C("|inbraak in de winkel", kBusinessBurglary),
    C("|ingebroken in de winkel", kBusinessBurglary), C("|ingebroken in de zaak", kBusinessBurglary),
    C("|inbraak bij de", kBusinessBurglary), C("|bedrijfspand", kBusinessBurglary),
    // pickpocket
    C("zakkenroll", kPickpocket), C("|gerold", kPickpocket), C("|pickpocket", kPickpocket),
    C("|portemonnee gerold", kPickpocket), C("|portemonnee uit", kPickpocket),
    C("|portemonnee gepakt", kPickpocket), C("|portemonnee weg", kPickpocket),
    C("|wallet was", kPickpocket), C("|took my wallet", kPickpocket),
    C("|uit mijn tas", kPickpocket), C("|uit haar tas", kPickpocket),
    C("|uit zijn zak", kPickpocket), C("|uit mijn zak", kPickpocket),
    C("|tas opengeritst", kPickpocket), C("|tasjesdie", kPickpocket),
    C("|telefoon gestolen", kPickpocket), C("|telefoon gejat", kPickpocket),
    C("|mobiel gestolen", kPickpocket), C("|phone stolen", kPickpocket),
    C("|phone was stolen", kPickpocket), C("|stole my phone", kPickpocket),
    C("|stole my wallet", kPickpocket), C("|from my bag", kPickpocket),
    C("|rolde", kPickpocket), C("|pocket", kPickpocket), C("|took my phone", kPickpocket),
    C("|backpack", kPickpocket), C("|in tassen", kPickpocket), C("|tegen me aan", kPickpocket),
    C("|tegen mij aan", kPickpocket), C("|afleiding", kPickpocket), C("|in het gedrang", kPickpocket),
    // shoplifting
    C("winkeldief", kShoplifting), C("|gestolen uit de winkel", kShoplifting),
    C("|zonder te betalen", kShoplifting), C("|niet betaald", kShoplifting),
    C("|niet afgerekend", kShoplifting), C("|langs de kassa", kShoplifting),
    C("|shoplift", kShoplifting), C("|without paying", kShoplifting),
    C("|poortjes", kShoplifting), C("|beveiligingspoort", kShoplifting),
    C("|alarmpoort", kShoplifting), C("|in zijn jas gestopt", kShoplifting),
    C("|in haar tas gestopt", kShoplifting), C("|geprepareerde tas", kShoplifting),
    C("|uit het schap", kShoplifting), C("|schap", kShoplifting), C("|stelen in de winkel", kShoplifting),
    C("|gestolen uit mijn winkel", kShoplifting), C("|uit de winkel", kShoplifting),
    C("|vakkenvul", kShoplifting), C("|blikjes", kShoplifting),
    // robbery
    C("|overval", kRobbery), C("|beroofd", kRobbery), C("|straatroof", kRobbery),
    C("|beroving", kRobbery), C("|robbed", kRobbery), C("|robbery", kRobbery),
    C("|mugged", kRobbery), C("|onder bedreiging", kRobbery), C("|kassa leeg", kRobbery),
    C("|geld uit de kassa", kRobbery), C("|overvaller", kRobbery), C("|hold up", kRobbery),
    C("|tasjesroof", kRobbery), C("|met een mes", kRobbery), C("|vuurwapen", kRobbery),
    C("|pistool", kRobbery), C("|eiste geld", kRobbery), C("|eisten geld", kRobbery),
    // fraud
    C("|oplicht", kFraud), C("|opgelicht", kFraud), C("|nepbetaal", kFraud),
    C("|nep betaal", kFraud), C("|vals geld", kFraud), C("|valse biljet", kFraud),
    C("|vals biljet", kFraud), C("|babbeltruc", kFraud), C("|scam", kFraud),
    C("|fraude", kFraud), C("|betaalverzoek", kFraud), C("|tikkie", kFraud),
    C("|pinpas", kFraud), C("|bankpas", kFraud), C("|pinautomaat", kFraud),
    C("|wisseltruc", kFraud), C("|energiebedrijf", kFraud), C("|legitimatie", kFraud),
    C("|vals briefje", kFraud), C("|valse pas", kFraud), C("|fake", kFraud), C("|phishing", kFraud),
    // noise
    C("geluidsoverlast", kNoise), C("|herrie", kNoise), C("|lawaai", kNoise),
    C("|harde muziek", kNoise), C("|keiharde muziek", kNoise), C("|muziek", kNoise),
    C("|feest", kNoise), C("|party", kNoise), C("|loud", kNoise), C("|noise", kNoise),
    C("|music", kNoise), C("|bas|", kNoise), C("|bass", kNoise), C("|dreun", kNoise),
    C("|gebonk", kCommotion), C("|geschreeuw", kCommotion), C("|schreeuwen", kCommotion),
    C("|gillen", kCommotion), C("|kabaal", kCommotion), C("|stampen", kCommotion), C("|geluid", kCommotion),
    C("|boxen|", kNoise), C("|speaker", kNoise), C("|blaft", kCommotion), C("|geblaf", kCommotion),
    C("|barking", kCommotion), C("|nachtrust", kNoise), C("|slapen", kCommotion),
    C("|cant sleep", kNoise), C("|kan niet slapen", kNoise), C("|terras", kNoise),
    // fireworks
    C("vuurwerk", kFireworks), C("|knalvuurwerk", kFireworks), C("|rotje", kFireworks),
    C("|cobra", kFireworks), C("|nitraat", kFireworks), C("|firework", kFireworks),
    C("|firecracker", kFireworks), C("|knallen", kFireworks), C("|knaller", kFireworks), C("|knal|", kFireworks),
    C("|knallen", kFireworks), C("|vuurpijl", kFireworks), C("|strijker", kFireworks),
    C("|explosie", kFireworks), C("|bang|", kFireworks), C("|bangs", kFireworks),
    C("|explosion", kFireworks), C("|zwaar vuurwerk", kFireworks),
    // collision
    C("|aanrijding", kCollision), C("|aangereden", kCollision), C("|botsing", kCollision),
    C("|gebotst", kCollision), C("|ongeluk", kCollision), C("|ongeval", kCollision),
    C("|crash", kCollision), C("|collision", kCollision), C("|accident", kCollision),
    C("|hit by a car", kCollision), C("|knocked over", kCollision), C("|tegen elkaar", kCollision),
    C("|op elkaar", kCollision), C("|achterop", kCollision), C("|schade aan", kCollision),
    C("|doorgereden", kCollision), C("|doorrijden na", kCollision), C("|hit and run", kCollision),
    C("|omver gereden", kCollision), C("|omvergereden", kCollision), C("|geschept", kCollision),
    C("|tegen een paal", kCollision), C("|ramde", kCollision), C("|vast gereden", kCollision),
    // speeding
    C("|hardrijd", kSpeeding), C("|rijdt te hard", kSpeeding), C("|rijdt veel te hard", kSpeeding),
    C("|rijden te hard", kSpeeding), C("|rijden veel te hard", kSpeeding), C("|reed te hard", kSpeeding),
    C("|reed veel te hard", kSpeeding), C("|te hard rijd", kSpeeding), C("|te hard gereden", kSpeeding),
    C("|scheuren", kSpeeding), C("|scheurt", kSpeeding), C("|scheurde", kSpeeding),
    C("|gescheurd", kSpeeding), C("|uitlaat", kSpeeding), C("|racen", kSpeeding),
    C("|racet", kSpeeding), C("|race|", kSpeeding), C("|speed", kSpeeding),
    C("|too fast", kSpeeding), C("|hard rijden", kSpeeding), C("|hard gereden", kSpeeding),
    C("|plankgas", kSpeeding), C("|wheelie", kSpeeding), C("|snelheid", kSpeeding),
    C("|drifte", kSpeeding), C("|drift", kSpeeding), C("|spookrijd", kSpeeding),
    C("|gevaarlijk rijd", kSpeeding), C("|gevaarlijk verkeer", kSpeeding),
    C("|bijna aangereden", kSpeeding), C("|reckless", kSpeeding),
    // confused person
    C("|verward", kConfusedPerson), C("|in de war", kConfusedPerson),
    C("|psychisch", kConfusedPerson), C("|confused", kConfusedPerson),
    C("|praat tegen zichzelf", kConfusedPerson), C("|tegen zichzelf", kConfusedPerson),
    C("|weet niet waar", kConfusedPerson), C("|dwaalt", kConfusedPerson),
    C("|ronddwalen", kConfusedPerson), C("|dementie", kConfusedPerson),
    C("|dement", kConfusedPerson), C("|hulp nodig", kConfusedPerson),
    C("|in paniek", kConfusedPerson), C("|huilend", kConfusedPerson),
    C("|op blote voeten", kConfusedPerson), C("|pyjama", kConfusedPerson),
    C("|mentally", kConfusedPerson), C("|wandering", kConfusedPerson),
    C("|seems lost", kConfusedPerson), C("|weet niet waar", kConfusedPerson), C("|disoriented", kConfusedPerson),
    C("|vreemd gedrag", kConfusedPerson), C("|raar gedrag", kConfusedPerson),
    C("|gedraagt zich", kConfusedPerson), C("|zwalkt", kConfusedPerson),
    // drunk
    C("|dronken", kDrunk), C("|bezopen", kDrunk), C("|lazarus", kDrunk), C("|zat|", kDrunk),
    C("|ladder zat", kDrunk), C("|drunk", kDrunk), C("|alcohol", kDrunk),
    C("|drank", kDrunk), C("|bier", kDrunk), C("|blikken bier", kDrunk),
    C("|beschonken", kDrunk), C("|lallen", kDrunk), C("|lalt", kDrunk), C("|waggelt", kDrunk),
    C("|wankelt", kDrunk), C("|kotsen", kDrunk), C("|overgeven", kDrunk), C("|wildplas", kDrunk),
    C("|plassen tegen", kDrunk), C("|pissen", kDrunk), C("|kroeg", kDrunk),
    C("|sluitingstijd", kDrunk), C("|stomdronken", kDrunk), C("|wasted", kDrunk),
    C("|onder invloed", kDrunk), C("|drinken", kDrunk), C("|zuipen", kDrunk),
    // fight
    C("|vechtpartij", kFight), C("|gevecht", kFight), C("|op de vuist", kFight), C("|vechten", kFight), C("|vecht", kFight),
    C("|klappen", kCommotion), C("|geslagen", kFight), C("|schoppen", kFight),
    C("|geschopt", kFight), C("|mishandel", kFight), C("|knokpartij", kFight),
    C("|knokken", kFight), C("|matten", kFight), C("|fight", kFight), C("|beat up", kFight),
    C("|punch", kCommotion), C("|slaan", kCommotion), C("|sloeg", kCommotion), C("|in elkaar", kCommotion),
    C("|rellen", kFight), C("|ruzie", kCommotion), C("|gefilmd", kCommotion), C("|filmen", kCommotion),
    C("|duwen", kCommotion), C("|geduwd", kCommotion),
    // hanging youth
    C("hangjongeren", kHangingYouth), C("|hangjeugd", kHangingYouth),
    C("|hangen", kHangingYouth), C("|hangt", kHangingYouth), C("|rondhang", kHangingYouth),
    C("|hanging around", kHangingYouth), C("|loiter", kHangingYouth),
    C("|groepje", kHangingYouth), C("|groep jongeren", kHangingYouth),
    C("|groep jongens", kHangingYouth), C("|chillen", kHangingYouth), C("|chill", kHangingYouth),
    C("|blowen", kHangingYouth), C("|joint", kHangingYouth), 
    C("|nafluiten", kHarassment), C("|overlast jeugd", kHangingYouth),
    C("|jeugdoverlast", kHangingYouth), C("jongerenoverlast", kHangingYouth),
    C("|scooters", kHangingYouth), C("|intimider", kHarassment),
    // laughing gas
    C("|lachgas", kLaughingGas), C("|ballon", kLaughingGas), C("|patronen", kLaughingGas),
    C("|cilinder", kLaughingGas), C("|gascilinder", kLaughingGas), C("|tank|", kLaughingGas),
    C("|tanks|", kLaughingGas), C("|laughing gas", kLaughingGas), C("|nitrous", kLaughingGas),
    C("|balloons", kLaughingGas), C("|slagroompatron", kLaughingGas),
    // vandalism
    C("|vernield", kVandalism), C("|vernel", kVandalism), C("|vandal", kVandalism),
    C("|kapot gemaakt", kVandalism), C("|kapotgemaakt", kVandalism),
    C("|kapot gegooid", kVandalism), C("|ingegooid", kVandalism), C("|bekrast", kVandalism),
    C("|gesloopt", kVandalism), C("|slopen", kVandalism), C("|eieren", kVandalism),
    C("|ei tegen", kVandalism), C("|eggs", kVandalism), C("|egged", kVandalism),
    C("|smashed", kVandalism), C("|damaged", kVandalism), C("|beschadigd", kVandalism),
    C("|banden lek", kVandalism), C("|lek gestoken", kVandalism), C("|bushokje", kVandalism),
    C("|spiegel", kVandalism), C("|afgebroken", kVandalism), C("|omgetrapt", kVandalism),
    C("|omgegooid", kVandalism), C("|trappen tegen", kVandalism), C("|krassen", kVandalism),
    C("|speeltoestel", kVandalism), C("|ruiten", kVandalism),
    // graffiti
    C("graffiti", kGraffiti), C("|graffity", kGraffiti), C("|tag|", kGraffiti), C("|tags|", kGraffiti),
    C("|bekladd", kGraffiti), C("|beklad", kGraffiti), C("|gespoten", kGraffiti),
    C("|spuitbus", kGraffiti), C("|gekalkt", kGraffiti), C("|wildplak", kGraffiti),
    C("|stickers", kGraffiti), C("|bespoten", kGraffiti),
    // arson / fire
    C("|in brand", kArson), C("|brandje", kArson), C("|brandstichting", kArson),
    C("|fik|", kArson), C("|in de fik", kArson), C("|vlammen", kArson), C("|on fire", kArson),
    C("|fire|", kArson), C("|containerbrand", kArson), C("|brandend", kArson),
    C("|aangestoken", kArson), C("|afgefikt", kArson), C("|uitgebrand", kArson),
    C("|rookwolk", kArson), C("|brandweer", kArson), C("|brand|", kArson),
    // dumping
    C("|gedumpt", kDumping), C("|dumpen", kDumping), C("|dumping", kDumping),
    C("|gestort", kDumping), C("|afvaldump", kDumping), C("|illegaal afval", kDumping),
    C("|grofvuil", kDumping), C("|matras", kDumping), C("|koelkast", kDumping),
    C("|wasmachine", kDumping), C("|bankstel", kDumping), C("|bijplaatsing", kDumping),
    C("|naast de container", kDumping), C("|bij de container", kDumping),
    C("|vuilniszak", kDumping), C("|vuilzak", kDumping), C("|zakken afval", kDumping),
    C("|puin", kDumping), C("|asbest", kDumping), C("|accu", kDumping),
    C("|dumped", kDumping), C("|fly tipping", kDumping), C("|rubbish", kDumping),
    C("|bouwafval", kDumping), C("|bedrijfsafval", kDumping), C("|witgoed", kDumping),
    C("|rommel", kDumping), C("|neergezet", kDumping), C("|achtergelaten", kDumping),
    C("|olie|", kDumping), C("|banden gedumpt", kDumping),
    // drug dealing
    C("|dealer", kDrugDealing), C("|dealen", kDrugDealing), C("|dealt", kDrugDealing),
    C("|drugshandel", kDrugDealing), C("|drugsdeal", kDrugDealing), C("|deal|", kDrugDealing),
    C("|deals", kDrugDealing), C("|dealing", kDrugDealing), C("|drugs", kDrugDealing),
    C("|drug|", kDrugDealing), C("|coke", kDrugDealing), C("|cocaine", kDrugDealing),
    C("|xtc", kDrugDealing), C("|pillen", kDrugDealing), C("|pills", kDrugDealing),
    C("|bolletjes", kDrugDealing), C("|zakjes", kDrugDealing), C("|bags|", kDrugDealing),
    C("|snuif", kDrugDealing), C("|wiet verkoop", kDrugDealing), C("|verkoopt wiet", kDrugDealing),
    C("|drugsrunner", kDrugDealing), C("|runner", kDrugDealing), C("|koerier", kDrugDealing),
    C("|iets overhandig", kDrugDealing), C("|iets uit de hand", kDrugDealing),
    C("|handje", kDrugDealing), C("|even stoppen", kDrugDealing), C("|kort stoppen", kDrugDealing),
    C("|stopt even", kDrugDealing), C("|verdovende middelen", kDrugDealing), C("|handel|", kDrugDealing),
    C("|bestellingen", kDrugDealing), C("|rondbreng", kDrugDealing), C("|heroine", kDrugDealing),
    C("|speed|", kDrugDealing), C("|ghb", kDrugDealing), C("|verkoopt", kDrugDealing),
    // grow house
    C("hennep", kGrowHouse), C("wietplantage", kGrowHouse), C("|plantage|", kGrowHouse),
    C("wietkweker", kGrowHouse), C("|kwekerij", kGrowHouse), C("|wietlucht", kGrowHouse),
    C("|wietgeur", kGrowHouse), C("|ruikt naar wiet", kGrowHouse), C("|wiet lucht", kGrowHouse),
    C("|dichtgeplakt", kGrowHouse), C("|afgeplakt", kGrowHouse), C("|zilverfolie", kGrowHouse),
    C("|folie", kGrowHouse), C("|gezoem", kGrowHouse), C("|zoemt", kGrowHouse),
    C("|zoemen", kGrowHouse), C("|zoemend", kGrowHouse), C("|buzzing", kGrowHouse),
    C("|cannabis", kGrowHouse), C("|grow", kGrowHouse), C("|weed smell", kGrowHouse),
    C("|smells of weed", kGrowHouse), C("|condens", kGrowHouse), C("|warme ramen", kGrowHouse),
    C("|stroomdiefstal", kGrowHouse), 
    C("|ventilat", kGrowHouse), C("|planten", kGrowHouse), C("|zoete lucht", kGrowHouse),
    C("|muffe lucht", kGrowHouse), C("|beslagen", kGrowHouse), C("|zware geur", kGrowHouse),
    C("|nachtelijk bezoek", kGrowHouse), C("|kweek", kGrowHouse), C("|wiet", kGrowHouse),
    // drug waste / labs
    C("drugsafval", kDrugWaste), C("|drugslab", kDrugWaste), C("|jerrycan", kDrugWaste),
    C("|vaten", kDrugWaste), C("|vaten|", kDrugWaste), C("|tonnen", kDrugWaste),
    C("|anijs", kDrugWaste), C("|drop|", kDrugWaste), C("|naar drop", kDrugWaste),
    C("|chemisch", kDrugWaste), C("|chemicali", kDrugWaste), C("|chemical", kDrugWaste),
    C("|barrels", kDrugWaste), C("|drums|", kDrugWaste), C("|lab|", kDrugWaste),
    C("|scherpe lucht", kDrugWaste), C("|bijtende", kDrugWaste), C("|xtc lab", kDrugWaste),
    // extortion
    C("|afpers", kExtortion), C("|afgeperst", kExtortion), C("beschermingsgeld", kExtortion),
    C("|beschermgeld", kExtortion), C("|bescherming", kExtortion), C("|extort", kExtortion),
    C("|protection money", kExtortion), C("|moet betalen", kExtortion),
    C("|anders gaat", kExtortion), C("|anders brandt", kExtortion), C("|or else", kExtortion),
    C("|betalen of", kExtortion), C("|losgeld", kExtortion),
    // front business
    C("|witwas", kFrontBusiness), C("|dekmantel", kFrontBusiness), C("|money launder", kFrontBusiness),
    C("|nooit klanten", kFrontBusiness), C("|geen klanten", kFrontBusiness),
    C("|nooit een klant", kFrontBusiness), C("|nooit open", kFrontBusiness),
    C("|alles contant", kFrontBusiness), C("|contant", kFrontBusiness), C("|cash", kFrontBusiness),
    C("|verkoopt niks", kFrontBusiness), C("|verkoopt niets", kFrontBusiness),
    C("|nagelstudio", kFrontBusiness), C("|barbershop", kFrontBusiness), C("|kapperszaak", kFrontBusiness),
    C("|belwinkel", kFrontBusiness), C("|telefoonwinkel", kFrontBusiness),
    C("|wasstraat", kFrontBusiness), C("|autowas", kFrontBusiness),
    C("|steeds andere eigenaar", kFrontBusiness), C("|marktwaarde", kFrontBusiness),
    C("|overnemen", kFrontBusiness), C("|shell company", kFrontBusiness),
    C("|verdacht bedrijf", kFrontBusiness), C("|leegstaand", kFrontBusiness),
    // overcrowding / housing
    C("|overbewon", kOvercrowding), C("|arbeidsmigrant", kOvercrowding),
    C("|arbeidsmigranten", kOvercrowding), C("|huisjesmelker", kOvercrowding),
    C("|te veel mensen", kOvercrowding), C("|veel mensen wonen", kOvercrowding),
    C("|mensen in een huis", kOvercrowding), C("|matrassen", kOvercrowding),
    C("|slapen in", kOvercrowding), C("|overcrowd", kOvercrowding), C("|spookburger", kOvercrowding),
    C("|onderhuur", kOvercrowding), C("|woningdelen", kOvercrowding), C("|verhuurder", kOvercrowding),
    C("|kamerverhuur", kOvercrowding), C("|koffers", kOvercrowding), C("|arbeiders", kOvercrowding), C("|ingeschreven", kOvercrowding), C("|busjes met", kOvercrowding),
    // trafficking
    C("|mensenhandel", kTrafficking), C("|prostitu", kTrafficking), C("|uitbuit", kTrafficking),
    C("|massagesalon", kTrafficking), C("|massage salon", kTrafficking), C("|loverboy", kTrafficking),
    C("|trafficking", kTrafficking), C("|onder dwang", kTrafficking), C("|afspraken", kTrafficking),
    C("|geen eigen papieren", kTrafficking), C("|paspoort", kTrafficking), C("|sekswerk", kTrafficking),
    C("|seks", kTrafficking), C("|gedwongen", kTrafficking), C("|escort", kTrafficking),
    // bikers
    C("|motorclub", kBikers), C("|motorbende", kBikers), C("|outlaw", kBikers),
    C("|colors", kBikers), C("|clubhesje", kBikers), C("|clubkleding", kBikers),
    C("|hesjes", kBikers), C("|clubhuis", kBikers), C("|biker", kBikers),
    C("|hells angels", kBikers), C("|satudarah", kBikers), C("|chapter", kBikers),
    C("|clubleden", kBikers), C("|motorrijders", kBikers), C("|motoren", kBikers),
    // harassment / intimidation
    C("|lastiggeval", kHarassment), C("|lastig gevallen", kHarassment), C("|lastigvallen", kHarassment),
    C("|nageroepen", kHarassment), C("|naroepen", kHarassment), C("|nagefloten", kHarassment),
    C("|nasissen", kHarassment), C("|achtervolgd", kHarassment), C("|achtervolgen", kHarassment),
    C("|volgde", kHarassment), C("|bedreigd", kHarassment), C("|bedreiging", kHarassment),
    C("|bedreigen", kHarassment), C("|uitgescholden", kHarassment), C("|scheld", kHarassment),
    C("|schelden", kHarassment), C("|discrimin", kHarassment), C("|harass", kHarassment),
    C("|catcall", kHarassment), C("|followed me", kHarassment), C("|threaten", kHarassment),
    C("|intimidatie", kHarassment), C("|intimiderend", kHarassment), C("|opgewacht", kHarassment),
    C("|stalk", kHarassment), C("|pesten", kHarassment), C("|gepest", kHarassment),
    C("|uitschelden", kHarassment), C("|spugen", kHarassment), C("|bespuugd", kHarassment),
    // suspicious person
    C("|verdacht", kSuspiciousPerson), C("|verdachte persoon", kSuspiciousPerson),
    C("|loert", kSuspiciousPerson), C("|loeren", kSuspiciousPerson), C("|gluurt", kSuspiciousPerson),
    C("|gluren", kSuspiciousPerson), C("|sluipt", kSuspiciousPerson), C("|sluipen", kSuspiciousPerson),
    C("|rondsluip", kSuspiciousPerson), C("|achterpad", kSuspiciousPerson),
    C("|aan deuren", kSuspiciousPerson), C("|deurklink", kSuspiciousPerson),
    C("|aan de deur", kSuspiciousPerson), C("|belt aan", kSuspiciousPerson),
    C("|aanbellen", kSuspiciousPerson), C("|aangebeld", kSuspiciousPerson),
    C("|naar binnen kijk", kSuspiciousPerson), C("|suspicious", kSuspiciousPerson),
    C("|lurking", kSuspiciousPerson), C("|peeking", kSuspiciousPerson),
    C("|in tuinen", kSuspiciousPerson), C("|over de schutting", kSuspiciousPerson),
    C("|zaklamp", kSuspiciousPerson), C("|bivakmuts", kSuspiciousPerson),
    C("|capuchon", kSuspiciousPerson), C("|rondloopt", kSuspiciousPerson),
    C("|rondlopen", kSuspiciousPerson), C("|foto s van huizen", kSuspiciousPerson),
    // suspicious vehicle
    C("|verdacht voertuig", kSuspiciousVehicle), C("|verdachte auto", kSuspiciousVehicle),
    C("|verdacht busje", kSuspiciousVehicle), C("|verdachte bus", kSuspiciousVehicle),
    C("|busje", kSuspiciousVehicle), C("|bestelbus", kSuspiciousVehicle),
    C("|rondrijd", kSuspiciousVehicle), C("|rondjes rijd", kSuspiciousVehicle),
    C("|rijdt rondjes", kSuspiciousVehicle), C("|stapvoets", kSuspiciousVehicle),
    C("|kenteken", kSuspiciousVehicle), C("|staat al uren", kSuspiciousVehicle),
    C("|met draaiende motor", kSuspiciousVehicle), C("|van driving", kSuspiciousVehicle),
    C("|buitenlands kenteken", kSuspiciousVehicle), C("|motor draait", kSuspiciousVehicle),
    // loose dog / animals
    C("|loslopende hond", kLooseDog), C("|hond los", kLooseDog), C("|los lopende hond", kLooseDog),
    C("|zonder lijn", kLooseDog), C("|niet aangelijnd", kLooseDog), C("|aangelijnd", kLooseDog),
    C("|gebeten", kLooseDog), C("|bijt", kLooseDog), C("|agressieve hond", kLooseDog),
    C("|pitbull", kLooseDog), C("|husky", kLooseDog), C("|muilkorf", kLooseDog), C("|staffordshire", kLooseDog), C("|stafford", kLooseDog),
    C("|herder", kLooseDog), C("|rottweiler", kLooseDog), C("|dog off", kLooseDog),
    C("|loose dog", kLooseDog), C("|dog bit", kLooseDog), C("|vliegt op", kLooseDog),
    C("|hond|", kLooseDog), C("|honden|", kLooseDog), C("|dog|", kLooseDog),
    C("|dode", kAnimal), C("|dood dier", kAnimal), C("|kadaver", kAnimal), C("|dead", kAnimal),
    C("|aangereden dier", kAnimal), C("|vogel", kAnimal), C("|kat|", kAnimal),
    C("|kater", kAnimal), C("|poes", kAnimal), C("|egel", kAnimal), C("|vos|", kAnimal),
    C("|zwaan", kAnimal), C("|eend", kAnimal), C("|meeuw", kAnimal), C("|dierenambulance", kAnimal),
    C("|gewond dier", kAnimal), C("|cat|", kAnimal), C("|bird", kAnimal), C("|dieren", kAnimal),
    C("|rat|", kPests), C("|ratten", kPests), C("|muis", kPests), C("|muizen", kPests),
    C("|wespen", kPests), C("|wespennest", kPests), C("|duiven", kPests), C("|ongedierte", kPests),
    C("|rats", kPests), C("|mice", kPests), C("|kakkerlak", kPests), C("|eikenprocessie", kPests),
    C("|processierups", kPests), C("|bedwants", kPests), C("|vlooien", kPests),
    // street light / road / tree / traffic light
    C("lantaarnpa", kStreetLight), C("lantarenpa", kStreetLight), C("straatverlichting", kStreetLight),
    C("straatlamp", kStreetLight), C("|lamp|", kStreetLight), C("|lamp is", kStreetLight),
    C("|lampen kapot", kStreetLight), C("|verlichting", kStreetLight), C("|streetlight", kStreetLight),
    C("|street light", kStreetLight), C("|lamppost", kStreetLight),
    // "donker" alone is mostly clothing or a car ("donkere jas", "donkerblauw"): only where
    // it says a place is dark.
    C("|is donker|", kStreetLight), C("|te donker|", kStreetLight), C("|erg donker|", kStreetLight),
    C("|heel donker|", kStreetLight), C("|stikdonker", kStreetLight),
    C("|pikdonker", kStreetLight), C("|brandt niet", kStreetLight), C("|knippert", kStreetLight),
    C("|flikkert", kStreetLight), C("|dark|", kStreetLight),
    C("|gat in de weg", kRoadDamage), C("|gat in het", kRoadDamage), C("|gat in de", kRoadDamage),
    C("|kuil", kRoadDamage), C("|pothole", kRoadDamage), C("|losse tegel", kRoadDamage),
    C("|stoeptegel", kRoadDamage), C("|tegels", kRoadDamage), C("|tegel|", kRoadDamage),
    C("|wegdek", kRoadDamage), C("|scheur in", kRoadDamage), C("|verzakt", kRoadDamage),
    C("|verzakking", kRoadDamage), C("|boomwortel", kRoadDamage),
    C("|struikel", kRoadDamage), C("|trip", kRoadDamage), C("|putdeksel", kRoadDamage),
    C("|riool", kRoadDamage), C("|putje", kRoadDamage),
    C("|boom|", kTree), C("|bomen", kTree), C("|tak|", kTree), C("|takken", kTree),
    C("|omgewaaid", kTree), C("|stormschade", kTree), C("|scheef", kTree), C("|tree", kTree),
    C("|branch", kTree), C("|snoeien", kTree), C("|heg|", kTree), C("|struiken", kTree),
    C("|gras", kTree), C("|onkruid", kTree), C("|maaien", kTree),
    C("verkeerslicht", kTrafficLight), C("|stoplicht", kTrafficLight),
    C("|traffic light", kTrafficLight), C("|staat op rood", kTrafficLight),
    C("|staat altijd op rood", kTrafficLight), C("|voetgangerslicht", kTrafficLight),
    C("|rammelaar", kTrafficLight), C("|oversteekknop", kTrafficLight),
    // gas smell / fire hazard / blocked exit / crowd
    C("|gaslucht", kGasSmell), C("|gasgeur", kGasSmell), C("|ruik gas", kGasSmell),
    C("|ruikt naar gas", kGasSmell), C("|naar gas", kGasSmell), C("|gaslek", kGasSmell), C("|gas leak", kGasSmell),
    C("|smell of gas", kGasSmell), C("|smells like gas", kGasSmell), C("|gas smell", kGasSmell),
    C("|brandgevaar", kFireHazard), C("|brandgevaarlijk", kFireHazard), C("|fire hazard", kFireHazard),
    C("|meterkast", kFireHazard), C("|brandbaar", kFireHazard), C("|kortsluiting", kFireHazard),
    C("|rookt", kFireHazard), C("|smeult", kFireHazard), C("|brandlucht", kFireHazard),
    C("|schroeilucht", kFireHazard), C("|overbelast", kFireHazard), C("|gasfles", kFireHazard),
    C("|brandblusser", kFireHazard), C("|verlengsnoer", kFireHazard), C("|stekkerdoos", kFireHazard),
    C("|nooduitgang", kBlockedExit), C("|vluchtweg", kBlockedExit), C("|emergency exit", kBlockedExit),
    C("|fire exit", kBlockedExit), C("|versperd", kBlockedExit), C("|geblokkeerd", kBlockedExit),
    C("|blocked", kBlockedExit), C("|op slot", kBlockedExit), C("|dichtgezet", kBlockedExit),
    C("|drukte", kCrowd), C("|gedrang", kCrowd), C("|te druk", kCrowd), C("|crowd", kCrowd),
    C("|dringen", kCrowd), C("|mensenmassa", kCrowd), C("|overvol", kCrowd), C("|crush", kCrowd),
    C("|vastgeklemd", kCrowd), C("|bazaar", kCrowd), C("|markt", kCrowd), C("|evenement", kCrowd),
    // aggression against staff
    C("|agressie", kStaffAggression), C("|agressief", kStaffAggression),
    C("|aggressive", kStaffAggression), C("|tegen mijn personeel", kStaffAggression),
    C("|tegen het personeel", kStaffAggression), C("|personeel", kStaffAggression),
    C("|caissiere", kStaffAggression), C("|kassamedewerk", kStaffAggression),
    C("|kassajuffrouw", kStaffAggression), C("|kassamevrouw", kStaffAggression),
    C("|medewerker", kStaffAggression), C("|tekeer", kStaffAggression),
    C("|scheldt mijn", kStaffAggression), C("|staff", kStaffAggression),
    // waste / maintenance (not dumping)
    C("|container vol", kWaste), C("|container is vol", kWaste), C("|containers vol", kWaste),
    C("|glasbak", kWaste), C("|prullenbak", kWaste), C("|afvalbak", kWaste),
    C("|vuilnisbak", kWaste), C("|ondergrondse container", kWaste), C("|niet geleegd", kWaste),
    C("|zwerfafval", kWaste), C("|vuilnis", kWaste), C("|afval", kWaste), C("|bin|", kWaste),
    C("|bins|", kWaste), C("|litter", kWaste), C("|papierbak", kWaste), C("|kliko", kWaste),
    C("|container kapot", kWaste), C("|hondenpoep", kWaste), C("|poep", kWaste),
    // questions, compliments, lost and found
    C("|vraag", kQuestion), C("|vraagje", kQuestion), C("|mag ik", kQuestion),
    C("|mag je", kQuestion), C("|waar kan", kQuestion), C("|hoe kan", kQuestion),
    C("|wanneer", kQuestion), C("|compliment", kQuestion), C("|bedankt", kQuestion),
    C("|dank|", kQuestion), C("|test|", kQuestion), C("|testmelding", kQuestion),
    C("|question", kQuestion), C("|thank", kQuestion), C("|informatie", kQuestion),
    C("|vergunning", kQuestion), C("|ophaaldag", kQuestion), C("|wie moet", kQuestion),
    C("|kwijt", kLostFound), C("|vermist", kLostFound), C("|weggelopen", kLostFound),
    C("|gevonden", kLostFound), C("|verloren", kLostFound), C("|lost|", kLostFound),
    C("|missing", kLostFound), C("|found a", kLostFound), C("|zoekgeraakt", kLostFound),
    C("|aangelopen", kLostFound), C("|loslopende kat", kLostFound),
    // parking
    C("|geparkeerd", kParking),
    // Not "|parkeer": a parkeergarage or parkeerplaats is a place, not a parking nuisance.
    C("|parkeer|", kParking), C("|parkeert|", kParking), C("|parkeren|", kParking),
    C("|parkeerde", kParking), C("|parkeerovertreding", kParking), C("|foutparkeer", kParking),
    C("|dubbel geparkeerd", kParking), C("|op de stoep geparkeerd", kParking),
    C("|parked", kParking), C("|laden en lossen", kParking), C("|vrachtwagen", kParking),
    C("|bevoorrading", kParking), C("|leverancier", kParking), C("|inrit", kParking),
    C("|uitrit", kParking), C("|blokkeert", kParking), C("|wrak", kParking),
    C("|weesfiets", kParking), C("|fietswrak", kParking), C("|verkeersoverlast", kParking),

    // ---- context cues ----
    C("|jongeren", kYouthActor), C("|jongens", kYouthActor), C("|jongen|", kYouthActor),
    C("|jeugd", kYouthActor), C("|pubers", kYouthActor), C("|puber|", kYouthActor),
    C("|tieners", kYouthActor), C("|tiener|", kYouthActor), 
    C("|scholieren", kYouthActor), C("|teenager", kYouthActor),
    C("|teens", kYouthActor), C("|youth", kYouthActor), C("|youngsters", kYouthActor),
    C("|young people", kYouthActor), C("|boys", kYouthActor), C("|minderjarig", kYouthActor),
    C("|brugklas", kYouthActor), C("|klasgeno", kYouthActor), 
    C("|skatebaan", kYouthActor), C("|skatepark", kYouthActor), C("|speeltuin", kYouthActor),
    C("|fatbike", kYouthActor), C("|snorfiets", kYouthActor), C("|gasten", kYouthActor),
    C("|knul", kYouthActor), C("|joch", kYouthActor), C("|meiden", kYouthActor),
    C("|jaar oud", kYouthActor), C("|jarigen", kYouthActor),
    C("|jaar of zo", kYouthActor), C("|jongere", kYouthActor),
    C("|winkel", kShopSetting), C("|kassa", kShopSetting), C("|zaak|", kShopSetting),
    C("|mijn zaak", kShopSetting), C("|klant", kShopSetting), C("|klanten", kShopSetting),
    C("|supermarkt", kShopSetting), C("|ah|", kShopSetting), C("|albert heijn", kShopSetting),
    C("|jumbo", kShopSetting), C("|lidl", kShopSetting), C("|aldi", kShopSetting),
    C("|kruidvat", kShopSetting), C("|hema", kShopSetting), C("|action|", kShopSetting),
    C("|drogist", kShopSetting), C("|bakker", kShopSetting), C("|slager", kShopSetting),
    C("|snackbar", kShopSetting), C("|tankstation", kShopSetting), C("|horeca", kShopSetting),
    C("|shop", kShopSetting), C("|store", kShopSetting), C("|ondernemer", kShopSetting),
    C("|eigenaar", kShopSetting), C("|filiaal", kShopSetting), C("|magazijn", kShopSetting),
    C("|etalage", kShopSetting), C("|pand", kShopSetting), C("|bedrijf", kShopSetting),
    C("|restaurant", kShopSetting), C("|juwelier", kShopSetting),
    C("|apotheek", kShopSetting), C("|kapper", kShopSetting), C("|kraam", kShopSetting),
    C("|winkelstraat", kShopSetting), C("|winkelcentrum", kShopSetting),
    C("|crimineel", kOrganised), C("|criminel", kOrganised), C("|criminal", kOrganised),
    C("|netwerk", kOrganised), C("|ondermijn", kOrganised), C("|mafia", kOrganised),
    C("|louche", kOrganised), C("|klopt niet", kOrganised), C("|niet pluis", kOrganised),
    C("|vertrouw het niet", kOrganised), C("|dure auto", kOrganised), C("|dure wagens", kOrganised),
    C("|steeds andere", kOrganised), C("|steeds dezelfde", kOrganised), C("|elke nacht", kOrganised),
    C("|geronseld", kOrganised), C("|werven", kOrganised), C("|ronselen", kOrganised),
    C("|kapot", kMaintenance), C("|stuk|", kMaintenance), C("|defect", kMaintenance),
    C("|repar", kMaintenance), C("|onderhoud", kMaintenance), C("|gemeente", kMaintenance),
    C("|broken", kMaintenance), C("|herstel", kMaintenance), C("|vervangen", kMaintenance),
    C("|graag oplossen", kMaintenance), C("|los|", kMaintenance), C("|losliggend", kMaintenance),
    C("|gevaarlijk", kMaintenance), C("|repair", kMaintenance),
    C("|mes|", kThreat), C("|messen", kThreat), C("|wapen", kThreat), C("|knife", kThreat),
    C("|gun|", kThreat), C("|dreig", kThreat), C("|bedreig", kThreat), C("|geweld", kThreat),
    C("|woning", kHome), C("|huis|", kHome), C("|mijn huis", kHome), C("|voordeur", kHome),
    C("|achterdeur", kHome), C("|schuur", kHome), C("|berging", kHome), C("|tuin", kHome),
    C("|flat|", kHome), C("|balkon", kHome), C("|slaapkamer", kHome), C("|house", kHome),
    C("|home|", kHome), C("|buren", kHome), C("|buurman", kHome), C("|buurvrouw", kHome),
    C("|bovenburen", kHome), C("|benedenburen", kHome), C("|neighbour", kHome),
    C("|neighbor", kHome),
    C("|auto|", kVehicle), C("|autos", kVehicle), C("|auto s|", kVehicle), C("|car|", kVehicle),
    C("|cars", kVehicle), C("|scooter", kVehicle), C("|brommer", kVehicle), C("|motor|", kVehicle),
    C("|busje", kVehicle), C("|bus|", kVehicle), C("|vrachtwagen", kVehicle),

    // ---- more stems (writers' training texts, data/corpus/writers) ----
    C("|per maand anders", kExtortion), C("|anders gebeurt", kExtortion), C("|gebeurt er wat", kExtortion),
    C("|pay them", kExtortion), C("|monthly or", kExtortion), C("|will get smashed", kExtortion),
    C("|anders winkel", kExtortion), C("|briefje onder de deur", kExtortion), C("|dreigbrief", kExtortion),
    C("|protection", kExtortion), C("|elke maand betalen", kExtortion), C("|betaal elke maand", kExtortion),
    C("|money mule", kOrganised), C("|geldezel", kOrganised), C("|bank account", kOrganised),
    C("|bankrekening", kOrganised), C("|bankpas uit", kOrganised), C("|pas uitlenen", kOrganised),
    C("|uit te lenen", kOrganised), C("|rekening lenen", kOrganised), C("|ronsel", kOrganised),
    C("|recruit", kOrganised), C("|forced to work", kTrafficking), C("|forced", kTrafficking),
    C("|women never leave", kTrafficking), C("|come and go", kTrafficking), C("|komen en gaan", kTrafficking),
    C("|mannen komen", kTrafficking), C("|agency house", kOvercrowding), C("|uitzendbureau", kOvercrowding),
    C("|agency", kOvercrowding), C("|landlord", kOvercrowding), C("|personen in", kOvercrowding),
    C("|people in", kOvercrowding), C("|persoon in", kOvercrowding), C("|slapen in shifts", kOvercrowding),
    C("|in shifts", kOvercrowding), C("|club vest", kBikers), C("|vests", kBikers),
    C("|clubvest", kBikers), C("|handover", kDrugDealing), C("|hand over", kDrugDealing),
    C("|small packages", kDrugDealing), C("|packages", kDrugDealing), C("|pakje", kDrugDealing),
    C("|pakjes", kDrugDealing), C("|geven geld", kDrugDealing), C("|delivers", kDrugDealing),
    C("|bezorgt", kDrugDealing), C("|ruilen", kDrugDealing), C("|dealing", kDrugDealing),
    C("|gedeald", kDrugDealing), C("|dealers", kDrugDealing), C("|vat|", kDrugWaste),
    C("|blauwe vat", kDrugWaste), C("|blue barrel", kDrugWaste), C("|bedanken", kQuestion),
    C("|waardering", kQuestion), C("|pluim", kQuestion), C("|complimenten", kQuestion),
    C("|do i need", kQuestion), C("|how do i", kQuestion), C("|can i", kQuestion),
    C("|where can", kQuestion), C("|moet ik", kQuestion), C("|wat moet ik", kQuestion),
    C("|hoe moet", kQuestion), C("|is het toegestaan", kQuestion), C("|mag ik", kQuestion),
    C("|wil ik weten", kQuestion), C("|graag weten", kQuestion), C("|register my", kQuestion),
    C("|website", kQuestion), C("|wie mist", kLostFound), C("|anyone missing", kLostFound),
    C("|missing him", kLostFound), C("|missing her", kLostFound), C("|komen aanlopen", kLostFound),
    C("|zonder penning", kLostFound), C("|no tag", kLostFound), C("|halsband", kLostFound),
    C("|kwijtgeraakt", kLostFound), C("|vermiste", kLostFound), C("|wasp", kPests),
    C("|nest|", kPests), C("|mice|", kPests), C("|rat|", kPests),
    C("|container voor", kWaste), C("|vol sinds", kWaste), C("|legen|", kWaste),
    C("|geleegd", kWaste), C("|afvalcontainer", kWaste), C("|restafval", kWaste),
    C("|overvol", kWaste), C("|zonder betalen", kShoplifting), C("|pikken", kShoplifting),
    C("|jatten", kShoplifting), C("|jat|", kShoplifting), C("|stole sweets", kShoplifting),
    C("|stelen uit", kShoplifting), C("|achter de balie", kShoplifting), C("|walked off with", kShoplifting),
    C("|uit de schappen", kShoplifting), C("|zakken vol", kShoplifting), C("|in zijn broek", kShoplifting),
    C("|onder zijn jas", kShoplifting), C("|fake receipt", kFraud), C("|nep betaalbewijs", kFraud),
    C("|betaalbewijs", kFraud), C("|contactless", kFraud), C("|geld kwam nooit", kFraud),
    C("|nachtjapon", kConfusedPerson), C("|nachthemd", kConfusedPerson), C("|ochtendjas", kConfusedPerson),
    C("|dressing gown", kConfusedPerson), C("|pajamas", kConfusedPerson), C("|woont niet weet", kConfusedPerson),
    C("|weet niet waar ze", kConfusedPerson), C("|weet niet waar hij", kConfusedPerson), C("|shouting at", kHarassment),
    C("|grab", kHarassment), C("|racist", kHarassment), C("|volgt", kHarassment),
    C("|follows", kHarassment), C("|achterna", kHarassment), C("|roept vieze", kHarassment),
    C("|vieze dingen", kHarassment), C("|opmerkingen", kHarassment), C("|remarks", kHarassment),
    C("|hanggroep", kHangingYouth), C("|jeugdgroep", kHangingYouth), C("|hangplek", kHangingYouth),
    C("|rondhangen", kHangingYouth), C("|jongelui", kYouthActor), C("|jongemannen", kYouthActor),
    C("|jonge jongens", kYouthActor), C("|pubers", kYouthActor), C("|kids|", kYouthActor),
    C("|kinderen van", kYouthActor), C("|spugen", kStaffAggression), C("|spuugde", kStaffAggression),
    C("|schreeuwen tegen", kStaffAggression), C("|verkoopster", kStaffAggression), C("|cashier", kStaffAggression),
    C("|till|", kStaffAggression), C("|manager", kStaffAggression),
    C("|kids van", kYouthActor), C("|kinderen van een", kYouthActor), C("|schoolkinderen", kYouthActor),
    C("|brugklassers", kYouthActor), C("|schoolplein", kYouthActor), C("|kweeklamp", kGrowHouse),
    C("|warmtelamp", kGrowHouse), C("|stroom afgetapt", kGrowHouse), C("|stroom aftappen", kGrowHouse),
    C("|illegaal stroom", kGrowHouse), C("|door handles", kSuspiciousPerson), C("|trying doors", kSuspiciousPerson),
    C("|trying the handles", kSuspiciousPerson), C("|back gardens", kSuspiciousPerson), C("|foto s maken van", kSuspiciousPerson),
    C("|open gebroken", kHomeBurglary), C("|shed was broken", kHomeBurglary), C("|schuur open", kHomeBurglary),
    C("|in geslagen", kCarBreakIn), C("|ruit in", kCarBreakIn), C("|klem", kCrowd),
    C("|hekken", kCrowd), C("|kermis", kCrowd), C("|koningsdag", kCrowd),
    C("|festival", kCrowd), C("|podium", kCrowd), C("|geen lucht", kCrowd),
    C("|gas|", kGasSmell), C("|ruiken gas", kGasSmell), C("|smell gas", kGasSmell),
    C("|opladen", kFireHazard), C("|laadt", kFireHazard), C("|aan de stroom", kFireHazard),
    C("|accu s opladen", kFireHazard), C("|verlengsnoeren", kFireHazard), C("|envelop", kExtortion),
    C("|omzet afdragen", kExtortion), C("|afdragen", kExtortion), C("|voor bescherming", kExtortion),
    C("|bezorging", kDrugDealing), C("|menukaart", kDrugDealing), C("|pakketjes", kDrugDealing),
    C("|rond te brengen", kDrugDealing), C("|geeft wat door", kDrugDealing), C("|door het raam", kDrugDealing),
    C("|selling weed", kDrugDealing), C("|verkopen wiet", kDrugDealing), C("|verkoopt drugs", kDrugDealing),

    C("|kinderen", kYouthActor), C("|kinders", kYouthActor), C("|kids", kYouthActor),
    C("|school", kYouthActor),
    // ---- colours (whole words and common inflections) ----
    Col("|zwart|", kBlack), Col("|zwarte|", kBlack), Col("|black|", kBlack),
    Col("|wit|", kWhite), Col("|witte|", kWhite), Col("|white|", kWhite),
    Col("|rood|", kRed), Col("|rode|", kRed), Col("|red|", kRed),
    Col("|blauw|", kBlue), Col("|blauwe|", kBlue), Col("|blue|", kBlue),
    Col("|donkerblauw", kBlue), Col("|lichtblauw", kBlue),
    Col("|groen|", kGreen), Col("|groene|", kGreen), Col("|green|", kGreen),
    Col("|donkergroen", kGreen),
    Col("|geel|", kYellow), Col("|gele|", kYellow), Col("|yellow|", kYellow),
    Col("|grijs|", kGrey), Col("|grijze|", kGrey), Col("|grey|", kGrey), Col("|gray|", kGrey),
    Col("|donkergrijs", kGrey), Col("|lichtgrijs", kGrey),
    Col("|bruin|", kBrown), Col("|bruine|", kBrown), Col("|brown|", kBrown),
    Col("|oranje|", kOrange), Col("|orange|", kOrange),
    Col("|roze|", kPink), Col("|pink|", kPink),
    Col("|paars|", kPurple), Col("|paarse|", kPurple), Col("|purple|", kPurple),
    Col("|zilver", kSilver), Col("|silver|", kSilver), Col("|zilvergrijs", kSilver),

    // ---- gender of the persons described ----
    G("|vrouw|", kWoman), G("|vrouwen|", kWoman), G("|mevrouw|", kWoman), G("|dame|", kWoman),
    G("|meisje|", kWoman), G("|meisjes|", kWoman), G("|meid|", kWoman), G("|meiden|", kWoman), G("|woman|", kWoman),
    G("|women|", kWoman), G("|lady|", kWoman), G("|girl|", kWoman), G("|girls|", kWoman),
    G("|oudere dame", kWoman), G("|oude vrouw", kWoman), G("|zij|", kWoman),
    G("|man|", kMan), G("|mannen|", kMan), G("|meneer|", kMan), G("|heer|", kMan),
    G("|jongen|", kMan), G("|jongens|", kMan), G("|jongeman|", kMan), G("|kerel|", kMan),
    G("|gozer|", kMan), G("|vent|", kMan), G("|guy|", kMan), G("|guys|", kMan), G("|men|", kMan),
    G("|boy|", kMan), G("|hij|", kMan), G("|gast|", kMan),
};

// Character trie over the patterns with '|' removed; a node may end several patterns.
struct Node {
  int32_t first_child = -1;
  int32_t next_sibling = -1;
  char c = 0;
  // Terminal patterns ending here: index range into Trie::terminals.
  int32_t term_begin = 0;
  int32_t term_end = 0;
};
struct Terminal {
  bool anchor_start;
  bool anchor_end;
  Slot slot;
  int value;
};

class Trie {
 public:
  Trie() {
    nodes_.push_back(Node{});
    std::vector<std::vector<Terminal>> pending(1);
    auto add = [&](absl::string_view pattern, Slot slot, int value) {
      bool start = false, end = false;
      if (!pattern.empty() && pattern.front() == '|') start = true, pattern.remove_prefix(1);
      if (!pattern.empty() && pattern.back() == '|') end = true, pattern.remove_suffix(1);
      int32_t node = 0;
      for (char c : pattern) {
        int32_t child = nodes_[node].first_child;
        while (child >= 0 && nodes_[child].c != c) child = nodes_[child].next_sibling;
        if (child < 0) {
          child = static_cast<int32_t>(nodes_.size());
          Node n;
          n.c = c;
          n.next_sibling = nodes_[node].first_child;
          nodes_.push_back(n);
          nodes_[node].first_child = child;
          pending.emplace_back();
        }
        node = child;
      }
      pending[node].push_back({start, end, slot, value});
    };
    for (const Entry& e : kEntries) add(e.pattern, e.slot, e.value);
    for (int b = 0; b < kNumBrands; ++b) add(kBrands[b].pattern, Slot::kBrand, b);
    for (size_t n = 0; n < nodes_.size(); ++n) {
      nodes_[n].term_begin = static_cast<int32_t>(terminals_.size());
      for (const Terminal& t : pending[n]) terminals_.push_back(t);
      nodes_[n].term_end = static_cast<int32_t>(terminals_.size());
    }
  }

  EventSignature Read(absl::string_view text) const {
    EventSignature s;
    const size_t n = text.size();
    for (size_t i = 0; i < n; ++i) {
      const bool at_word_start = i == 0 || text[i - 1] == ' ';
      int32_t node = 0;
      for (size_t j = i; j < n; ++j) {
        int32_t child = nodes_[node].first_child;
        while (child >= 0 && nodes_[child].c != text[j]) child = nodes_[child].next_sibling;
        if (child < 0) break;
        node = child;
        const Node& hit = nodes_[node];
        if (hit.term_begin == hit.term_end) continue;
        const bool at_word_end = j + 1 == n || text[j + 1] == ' ';
        for (int32_t t = hit.term_begin; t < hit.term_end; ++t) {
          const Terminal& term = terminals_[t];
          if ((term.anchor_start && !at_word_start) || (term.anchor_end && !at_word_end)) continue;
          switch (term.slot) {
            case Slot::kCue: s.cues |= uint64_t{1} << term.value; break;
            case Slot::kColour: s.colours |= uint32_t{1} << term.value; break;
            case Slot::kGender: s.genders |= uint32_t{1} << term.value; break;
            case Slot::kBrand: s.brands |= uint64_t{1} << term.value; break;
          }
        }
      }
    }
    return s;
  }

 private:
  std::vector<Node> nodes_;
  std::vector<Terminal> terminals_;
};

const Trie& TheTrie() {
  static const Trie* trie = new Trie();
  return *trie;
}

constexpr uint64_t kKindBits = (uint64_t{1} << (kLastEventKind + 1)) - 1;

void PutWord(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetWord(absl::string_view s, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

constexpr uint64_t Bits(std::initializer_list<int> cues) {
  uint64_t m = 0;
  for (int c : cues) m |= uint64_t{1} << c;
  return m;
}

constexpr uint64_t kWitnessKinds =
    Bits({kSuspiciousPerson, kSuspiciousVehicle, kSpeeding, kCommotion, kHarassment, kLostFound,
          kAnimal, kCrowd, kParking, kStaffAggression, kQuestion});

// Families of related kinds: two texts naming kinds of one family may describe one event.
constexpr uint64_t kFamilies[] = {
    Bits({kHomeBurglary, kBusinessBurglary, kCarBreakIn, kVehicleTheft}),
    Bits({kShoplifting, kRobbery, kStaffAggression, kFraud, kPickpocket}),
    Bits({kRobbery, kFight, kHarassment}),
    Bits({kFight, kHangingYouth, kDrunk}),
    Bits({kFireHazard, kBlockedExit, kArson, kGasSmell}),
    Bits({kHangingYouth, kLaughingGas, kVandalism, kGraffiti, kFireworks, kDrunk, kNoise}),
    Bits({kDrugDealing, kGrowHouse, kDrugWaste, kExtortion, kFrontBusiness, kOvercrowding,
          kTrafficking, kBikers}),
    Bits({kDumping, kWaste, kDrugWaste}),
    Bits({kCollision, kSpeeding}),
    Bits({kLooseDog, kAnimal, kPests}),
    Bits({kStreetLight, kRoadDamage, kTree, kTrafficLight}),
    Bits({kArson, kVandalism}),
    Bits({kVandalism, kCarBreakIn}),
};

// Function words and reporting phrases: shared by any two reports, they identify nothing.
constexpr absl::string_view kStopWords[] = {
    "aan", "achter", "al", "alle", "alles", "als", "altijd", "and", "are", "bij", "but", "dan",
    "dat", "de", "deze", "die", "dit", "doe", "doen", "door", "een", "echt", "elk", "elke",
    "en", "er", "for", "from", "gaan", "gaat", "geen", "gewoon", "graag", "had", "has", "have",
    "heb", "hebben", "heeft", "hem", "her", "het", "hier", "him", "his", "hoe", "hun", "iemand",
    "iets", "ik", "in", "into", "is", "its", "jij", "just", "kan", "komt", "kunnen", "kwam",
    "maar", "me", "meer", "melden", "melding", "met", "mijn", "moet", "naar", "net", "niet",
    "niks", "nog", "nou", "now", "nu", "of", "ofzo", "om", "onder", "ons", "onze", "ook", "op",
    "our", "over", "she", "staan", "staat", "that", "the", "their", "there", "they", "this",
    "toe", "tot", "uit", "van", "veel", "via", "voor", "waar", "was", "wat", "way", "we",
    "weer", "wel", "werd", "were", "what", "when", "which", "who", "wie", "wij", "will", "with",
    "word", "wordt", "worden", "you", "your", "zag", "ze", "zeer", "zich", "zien", "zij",
    "zijn", "zo", "zojuist", "zou", "zit", "zitten", "zonder", "zoals"};

bool IsStopWord(absl::string_view word) {
  for (absl::string_view stop : kStopWords) {
    if (word == stop) return true;
  }
  return false;
}

uint32_t Fnv1a(absl::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::vector<uint32_t> ContentStems(absl::string_view normalised) {
  std::vector<uint32_t> stems;
  size_t i = 0;
  while (i < normalised.size()) {
    size_t end = normalised.find(' ', i);
    if (end == absl::string_view::npos) end = normalised.size();
    const absl::string_view word = normalised.substr(i, end - i);
    i = end + 1;
    if (word.size() < 3 || IsStopWord(word)) continue;
    stems.push_back(Fnv1a(word.substr(0, 6)));
  }
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  if (stems.size() > kMaxReportStems) stems.resize(kMaxReportStems);
  return stems;
}

double StemOverlap(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(std::min(a.size(), b.size()));
}

std::vector<uint32_t> MergeStems(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                 size_t cap) {
  std::vector<uint32_t> out;
  out.reserve(std::min(cap, a.size() + b.size()));
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > cap) out.resize(cap);
  return out;
}

uint64_t WitnessKinds() { return kWitnessKinds; }

bool KindsConflict(uint64_t a, uint64_t b) {
  const uint64_t kinds = (uint64_t{1} << (kLastEventKind + 1)) - 1;
  a &= kinds & ~kWitnessKinds;
  b &= kinds & ~kWitnessKinds;
  if (a == 0 || b == 0 || (a & b) != 0) return false;
  for (uint64_t family : kFamilies) {
    if ((a & family) != 0 && (b & family) != 0) return false;
  }
  return true;
}

const EventKindInfo& CueInfo(int cue) {
  static const EventKindInfo kNone{"none", Persistence::kInstant};
  if (cue < 0 || cue >= kNumCues) return kNone;
  return kCueInfo[cue];
}

bool IsEventKind(int cue) { return cue >= 0 && cue <= kLastEventKind; }

uint64_t EventSignature::kinds() const { return cues & kKindBits; }

void EventSignature::Merge(const EventSignature& other) {
  cues |= other.cues;
  colours |= other.colours;
  genders |= other.genders;
  brands |= other.brands;
}

EventSignature ReadSignature(absl::string_view normalised) { return TheTrie().Read(normalised); }

uint64_t BrandMask(BrandClass brand_class) {
  // The matcher asks for every class per candidate: computed once.
  static const std::array<uint64_t, 6> masks = [] {
    std::array<uint64_t, 6> out{};
    for (int b = 0; b < kNumBrands; ++b) {
      out[static_cast<size_t>(kBrands[b].brand_class)] |= uint64_t{1} << b;
    }
    return out;
  }();
  const auto i = static_cast<size_t>(brand_class);
  return i < masks.size() ? masks[i] : 0;
}

std::string CueTokens(const EventSignature& s) {
  std::string out;
  for (int c = 0; c < kNumCues; ++c) {
    if ((s.cues >> c) & 1) {
      if (!out.empty()) out += ' ';
      absl::StrAppend(&out, "__cue__", kCueInfo[c].name);
    }
  }
  return out;
}

absl::Duration MaxGap(uint64_t kinds) {
  absl::Duration gap = absl::ZeroDuration();
  for (int c = 0; c <= kLastEventKind; ++c) {
    if (!((kinds >> c) & 1)) continue;
    switch (kCueInfo[c].persistence) {
      case Persistence::kInstant: gap = std::max(gap, absl::Hours(3)); break;
      case Persistence::kEvening: gap = std::max(gap, absl::Hours(10)); break;
      case Persistence::kDays: gap = std::max(gap, absl::Hours(24 * 3)); break;
      case Persistence::kLasting: gap = std::max(gap, absl::Hours(24 * 21)); break;
    }
  }
  return gap;
}

std::string EncodeSignature(const EventSignature& s) {
  std::string out;
  out.reserve(24);
  PutWord(out, s.cues);
  PutWord(out, (uint64_t{s.genders} << 32) | s.colours);
  PutWord(out, s.brands);
  return out;
}

EventSignature DecodeSignature(absl::string_view bytes) {
  EventSignature s;
  if (bytes.size() != 24) return s;
  s.cues = GetWord(bytes, 0);
  const uint64_t w = GetWord(bytes, 8);
  s.colours = static_cast<uint32_t>(w & 0xFFFFFFFF);
  s.genders = static_cast<uint32_t>(w >> 32);
  s.brands = GetWord(bytes, 16);
  return s;
}

}  // namespace wijkwacht::lexicon
