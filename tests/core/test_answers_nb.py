"""Doctors' own words in Norwegian -> coded values (bot/core/lexicon/answers_nb.yml), as tests/core/test_answers.py is
for English. Bokmål, Nynorsk, dialect, no æøå, typos, English words mixed in, several signs in one sentence, «men»
turning an answer, bare «ja»/«nei», long answers at 2 a.m. Each row: the question, what a doctor wrote, the value
(for warning_signs: the signs that must be among those read; SKIP/UNSURE: the outcome).

A third of the phrasings written for this table (every third per question) were set aside before any rule was
written, in tests/core/data/answers_nb_held_out.yml: the rules were not tuned on them; only their share read right
is checked, against a floor.
"""

from pathlib import Path

import pytest
import yaml

from bot.core.answers import LEXICON_FILES, Outcome, interpret, load_lexicon, volunteered

SKIP, UNSURE = Outcome.SKIP, Outcome.UNSURE
HELD_OUT = Path(__file__).parent / "data" / "answers_nb_held_out.yml"

CASES = [
    ("work_status", "Ja, jobber fullt som fastlege", "working"),
    ("work_status", "jobber 100 % på sykehuset", "working"),
    ("work_status", "Jeg er 50 % sykmeldt", "reduced_hours"),
    ("work_status", "sykmeldt i 100 % sia januar", "sick_leave"),
    ("work_status", "Nei, eg er ikkje i jobb for tida", "out_of_work"),
    ("work_status", "Gradert sykmelding, jobber 60 %", "reduced_hours"),
    ("work_status", "Jobber som overlege, går i vakt", "working"),
    ("work_status", "permisjon uten lønn akkurat nå", "out_of_work"),
    ("work_status", "er helt sykemeldt", "sick_leave"),
    ("work_status", "Jobber turnus på legevakta", "working"),
    ("work_status", "jobber redusert, 80 prosent", "reduced_hours"),
    ("work_status", "Ja", "working"),
    ("work_status", "jobber fortsatt, men vet ikke hvor lenge jeg holder ut", "working"),
    ("work_status", "Sjukmeld 50 prosent, resten jobbar eg", "reduced_hours"),
    ("work_status", "Har mistet autorisasjonen", "out_of_work"),
    ("work_status", "i jobb, men er delvis sykmeldt", "reduced_hours"),
    ("work_status", "Jobber fulltid som LIS1", "working"),
    ("work_status", "Er arbeidsledig etter at vikariatet gikk ut", "out_of_work"),
    ("work_status", "Er ufør", "out_of_work"),
    ("work_status", "Har vært borte fra jobb siden mars, sykmeldt av fastlegen", "sick_leave"),
    ("work_status", "Studerer medisin, siste året", "working"),
    ("work_status", "fastlege i full jobb, 1400 på lista", "working"),
    ("workload", "Helt uholdbar", "unreasonable"),
    ("workload", "Det er travelt, men håndterbart", "manageable"),
    ("workload", "altfor mye", "unreasonable"),
    ("workload", "Den er tung, mange vakter", "heavy"),
    ("workload", "Vi er to leger for lite og jeg dekker opp for alle", "unreasonable"),
    ("workload", "jobber 70 timer i uka", "unreasonable"),
    ("workload", "Eg har altfor mykje å gjere, det er heilt sjukt", "unreasonable"),
    ("workload", "Overkommelig", "manageable"),
    ("workload", "Stort press, for mange pasienter på lista", "unreasonable"),
    ("workload", "Normal, egentlig", "manageable"),
    ("workload", "Travelt, men greit", "manageable"),
    ("workload", "Jeg ligger alltid etter med journalnotater og epikriser", "heavy"),
    ("workload", "Den er ok", "manageable"),
    ("workload", "Har ikke hatt ferie på to år", "unreasonable"),
    ("workload", "kjempetravelt", "heavy"),
    ("workload", "Ikke så verst", "manageable"),
    ("workload", "Mye overtid", "heavy"),
    ("workload", "helt vanvittig", "unreasonable"),
    ("workload", "Litt mye for tiden", "heavy"),
    ("workload", "Det er umulig å rekke alt", "unreasonable"),
    ("workload", "grei på jobb, men hjemme er det tungt med syk mor", "heavy"),
    ("workload", "Krevende", "heavy"),
    ("workload", "Jeg gjør jobben til to leger", "unreasonable"),
    ("workload", "Ok", "manageable"),
    ("workload", "håndterbar", "manageable"),
    ("workload", "alt for stor, helt urimelig", "unreasonable"),
    (
        "workload",
        "Ærlig talt vet jeg ikke lenger hva som er normalt. Jeg har 1600 pasienter på lista, legevakt hver "
        "fjerde uke, og kveldene går med til epikriser og meldinger. Det er for mye.",
        "unreasonable",
    ),
    ("sleep", "Sover dårlig", "poor"),
    ("sleep", "Bra", "good"),
    ("sleep", "Våkner kl 4 hver natt og får ikke sove igjen", "poor"),
    ("sleep", "Sånn passe", "some_problems"),
    ("sleep", "eg søv dårleg", "poor"),
    ("sleep", "sovner darlig og vakner tidlig", "poor"),
    ("sleep", "Har begynt å ta sovepiller", "poor"),
    ("sleep", "Søvnløse netter etter vaktene", "poor"),
    ("sleep", "Ikke så verst, 7 timer", "good"),
    ("sleep", "Våkner ofte, men sovner igjen", "some_problems"),
    ("sleep", "Det varierer, av og til dårlig", "some_problems"),
    ("sleep", "Ok", "good"),
    ("sleep", "Sover for lite, 5 timer kanskje", "poor"),
    ("sleep", "helt ok egentlig", "good"),
    ("sleep", "Sover mye, men våkner like trøtt", "some_problems"),
    ("sleep", "Ikke bra", "poor"),
    ("sleep", "Sover som en stein", "good"),
    ("sleep", "elendig", "poor"),
    ("sleep", "Litt dårligere enn før", "some_problems"),
    ("sleep", "Søv bra, takk", "good"),
    ("sleep", "Helt grei søvn", "good"),
    ("sleep", "Våkner tidlig og er trøtt hele dagen", "poor"),
    (
        "sleep",
        "Klokka er halv tre nå og jeg har ikke sovet, det er sånn de fleste netter, jeg ligger og tenker på "
        "alt jeg kan ha gjort feil",
        "poor",
    ),
    ("warning_signs", "Gråter mye om kvelden", ["crying"]),
    ("warning_signs", "Jeg er irritabel og kort lunte med ungene", ["irritability"]),
    ("warning_signs", "Bekymrer meg hele tiden, tenker på jobb i helgene", ["constant_worry"]),
    ("warning_signs", "utslitt", ["exhaustion"]),
    ("warning_signs", "Føler at det er håpløst", ["hopelessness"]),
    ("warning_signs", "Angst og hjertebank før vakter", ["anxiety", "physical_symptoms"]),
    ("warning_signs", "glemmer ting, avtaler og navn", ["memory"]),
    ("warning_signs", "Har trukket meg unna venner", ["isolation"]),
    ("warning_signs", "Redd for å gjøre feil, dobbeltsjekker alt", ["fear_of_mistakes"]),
    ("warning_signs", "Eg grin mykje og er heilt utbrent", ["crying", "exhaustion"]),
    ("warning_signs", "Ingen", []),
    ("warning_signs", "Nei, ingenting sånt", []),
    (
        "warning_signs",
        "Sint og irritert på alle, og så er jeg redd for å overse noe alvorlig hos en pasient",
        ["irritability", "fear_of_mistakes"],
    ),
    ("warning_signs", "Hjernetåke, glemsk, sliten", ["concentration", "memory", "exhaustion"]),
    ("warning_signs", "Jeg isolerer meg, orker ikke å treffe folk", ["isolation"]),
    ("warning_signs", "Gråt i bilen etter jobb i går, og har vondt i brystet", ["crying", "physical_symptoms"]),
    ("warning_signs", "Jeg kjenner ingenting lenger, går bare på autopilot", ["numbness"]),
    ("warning_signs", "Panikkanfall", ["anxiety"]),
    ("warning_signs", "Kortere lunte enn før, og mindre glede av ting", ["irritability", "low_mood"]),
    ("warning_signs", "Grubler om natta over pasienter", ["constant_worry"]),
    ("warning_signs", "deprimert", ["low_mood"]),
    ("warning_signs", "Husker ikke hva jeg har gjort, mister tråden i samtaler", ["memory", "concentration"]),
    ("warning_signs", "Nei, egentlig ikke", []),
    ("warning_signs", "klarer ikkje fokusere, alt flyt ut", ["concentration"]),
    ("warning_signs", "Tinnitus og høyt blodtrykk", ["physical_symptoms"]),
    ("warning_signs", "Nervøs og urolig i kroppen hele tiden", ["anxiety"]),
    ("warning_signs", "Føler meg ensom på jobb", ["isolation"]),
    (
        "warning_signs",
        "Stressa, sover dårlig, gråter lett, og jeg glemmer ting. Redd for å gjøre en feil som går utover en pasient.",
        ["constant_worry", "crying", "memory", "fear_of_mistakes"],
    ),
    (
        "warning_signs",
        "Irritabel, sliten, og jeg tenker på jobb hele tiden, selv på ferie",
        ["irritability", "exhaustion", "constant_worry"],
    ),
    ("warning_signs", "Mistet gleden ved jobben", ["low_mood"]),
    (
        "warning_signs",
        "Ja, mange: utmattelse, konsentrasjonsvansker og angst",
        ["exhaustion", "concentration", "anxiety"],
    ),
    ("warning_signs", "Hjertet raser og jeg skjelver før jeg går på jobb", ["physical_symptoms"]),
    ("conflict", "Nei", False),
    ("conflict", "Ja, med avdelingsoverlegen", True),
    ("conflict", "Blir mobbet av en kollega", True),
    ("conflict", "Det er en maktkamp med ledelsen om turnusen", True),
    ("conflict", "Ja", True),
    ("conflict", "Nei, ikkje noko slikt", False),
    ("conflict", "Har en pågående konflikt med sjefen", True),
    ("conflict", "Føler meg uthengt og motarbeidet av ledelsen", True),
    ("conflict", "Trakassert av en overlege", True),
    ("conflict", "ikke egentlig", False),
    ("conflict", "Nei, det går fint med kollegene", False),
    ("conflict", "Ja, det er betent på avdelingen", True),
    ("conflict", "Står i en stor konflikt med fastlegekontoret jeg deler med", True),
    ("conflict", "Nope", False),
    ("conflict", "Nei, ingen konflikter", False),
    ("conflict", "Eg blir baksnakka og utfryst av kollegaene", True),
    ("conflict", "Jeg har varslet og etter det har det vært helvete", True),
    ("conflict", "Ikke konflikt, bare høyt tempo", False),
    ("conflict", "Ingen konflikt", False),
    ("conflict", "Ja, kollegaene går bak ryggen min", True),
    ("coping", "Jeg klarer meg", "coping"),
    ("coping", "Sliter", "struggling"),
    ("coping", "Greit nok", "coping"),
    ("coping", "Det går akkurat, men det er i ferd med å rakne", "struggling"),
    ("coping", "Hverdagen går rundt", "coping"),
    ("coping", "Eg klarar meg så vidt", "struggling"),
    ("coping", "Ja, stort sett", "coping"),
    ("coping", "Det går ikke, alt faller fra hverandre", "not_coping"),
    ("coping", "Det går bra", "coping"),
    ("coping", "Ikkje godt", "struggling"),
    ("coping", "Så som så", "struggling"),
    ("coping", "Fungerer, men det koster mye", "struggling"),
    ("coping", "Det blir bare verre", "struggling"),
    ("coping", "Jeg klarer ingenting lenger", "not_coping"),
    ("coping", "Holder så vidt ut", "struggling"),
    ("coping", "Klarer det meste", "coping"),
    ("coping", "Tja, både og", "struggling"),
    ("coping", "Dårlig", "struggling"),
    ("coping", "Mestrer ikke lenger, er helt på felgen", "not_coping"),
    ("coping", "Berre så vidt", "struggling"),
    ("coping", "Det er tungt, men jeg kommer meg gjennom dagene", "coping"),
    ("coping", "Nei, det gjør jeg ikke", "not_coping"),
    (
        "coping",
        "Jeg vet ikke. På jobben klarer jeg å holde fasaden, men når jeg kommer hjem sitter jeg bare i bilen "
        "og stirrer. Klarer ikke å lage middag til ungene engang.",
        "not_coping",
    ),
    ("coping", "Jeg er helt burnout, klarer ikke mer", "not_coping"),
    # "det" between the verb and the negation (found writing the Norwegian test stories: these were read as coping).
    ("coping", "Jeg mestrer det ikke", "not_coping"),
    ("coping", "eg mestrar det ikkje", "not_coping"),
    ("coping", "jeg klarer det ikke lenger", "not_coping"),
    ("coping", "Eg taklar det ikkje", "not_coping"),
    ("coping", "Jeg takler dette ikke", "not_coping"),
    ("sick_leave", "Nei, ikke aktuelt", "not_relevant"),
    ("sick_leave", "Har tenkt på det, men kan ikke gå fra kollegaene", "dilemma"),
    ("sick_leave", "Burde nok vært sykmeldt, men da blir det enda tyngre for de andre", "dilemma"),
    ("sick_leave", "Fastlegen har tilbudt sykmelding, men jeg takket nei", "dilemma"),
    ("sick_leave", "Er 50 % sykmeldt", "on_leave"),
    ("sick_leave", "ikkje aktuelt no", "not_relevant"),
    ("sick_leave", "Ja, har vært sykmeldt i tre måneder", "on_leave"),
    ("sick_leave", "Har ikke tenkt tanken", "not_relevant"),
    ("sick_leave", "Har vært sykmeldt tidligere, ikke nå", "not_relevant"),
    ("sick_leave", "Sjukmeld sidan mars", "on_leave"),
    ("sick_leave", "Jeg trenger det nok, men det er ingen som kan ta vaktene mine", "dilemma"),
    ("sick_leave", "Går på gradert sykmelding", "on_leave"),
    ("sick_leave", "Kanskje, jeg vet ikke", "dilemma"),
    ("sick_leave", "Har utsatt det lenge", "dilemma"),
    ("sick_leave", "Nei, jeg er ikke der", "not_relevant"),
    ("sick_leave", "Jeg har tenkt mye på det, men får dårlig samvittighet", "dilemma"),
    ("sick_leave", "Ikkje noko eg treng", "not_relevant"),
    ("sick_leave", "Har lurt på det, men vil ikke svikte pasientene", "dilemma"),
    ("sick_leave", "Ikke relevant", "not_relevant"),
    ("sick_leave", "Egentlig ja, men jeg tør ikke", "dilemma"),
    ("sick_leave", "Nei, det går fint uten", "not_relevant"),
    ("sick_leave", "Ja, er på sykmelding nå", "on_leave"),
    (
        "sick_leave",
        "Fastlegen min sa jeg burde sykmeldes for flere uker siden, men vi er så få på avdelingen og jeg vet "
        "hvem som må ta vaktene mine hvis jeg blir borte, så jeg har bare fortsatt",
        "dilemma",
    ),
    ("sick_leave", "Eg har tenkt på det, men eg vil ikkje la kollegaene mine i stikken", "dilemma"),
    ("treatment", "Nei", False),
    ("treatment", "Ja, går til psykolog", True),
    ("treatment", "Fått diagnosen depresjon i fjor", True),
    ("treatment", "Går på antidepressiva", True),
    ("treatment", "Ja, fastlegen vet om det", True),
    ("treatment", "Eg har ikkje snakka med nokon", False),
    ("treatment", "Har time hos psykiater neste uke", True),
    ("treatment", "Ingen", False),
    ("treatment", "Går i terapi", True),
    ("treatment", "Nei, har ikke vært hos lege på mange år", False),
    ("treatment", "Ikke foreløpig", False),
    ("treatment", "Følges opp av fastlegen", True),
    ("treatment", "Har snakket med BHT", True),
    ("treatment", "Ingen kontakt med helsevesenet om dette", False),
    ("treatment", "Nei, vil ikke at noen skal vite", False),
    ("treatment", "Har vært til samtale på DPS", True),
    ("treatment", "Var hos fastlegen i går", True),
    ("treatment", "Har ingen fastlege her", False),
    ("treatment", "Nope, ingen", False),
    ("treatment", "Bare snakket med en støttekollega", False),
    ("treatment", "Ja, eg går til psykolog", True),
    ("expectation", "Noen råd", "advice"),
    ("expectation", "Konkrete verktøy for å takle hverdagen", "tools"),
    ("expectation", "Henvisning til psykolog", "referral"),
    ("expectation", "Vet ikke", "unsure"),
    ("expectation", "Hjelp til å finne ut om jeg skal slutte som lege", "way_back"),
    ("expectation", "Tips og teknikker", "tools"),
    ("expectation", "Eg veit ikkje heilt", "unsure"),
    ("expectation", "Et neste steg, hvor jeg skal begynne", "tools"),
    ("expectation", "Snakke med en som forstår hvordan det er å være lege", "advice"),
    ("expectation", "Noen som kan se på medisinene mine", "referral"),
    ("expectation", "En plan for hvordan jeg kommer meg gjennom høsten", "tools"),
    ("expectation", "Karriereveiledning, vil kanskje bytte spesialitet", "way_back"),
    ("expectation", "Finne en vei ut av medisinen", "way_back"),
    ("expectation", "En samtale med en støttekollega", "advice"),
    ("expectation", "Få en utredning", "referral"),
    ("expectation", "Aner ikke", "unsure"),
    ("expectation", "Komme tilbake på jobb etter sykmeldingen", "way_back"),
    ("expectation", "Psykiater", "referral"),
    ("expectation", "Bare noen som lytter", "advice"),
    ("expectation", "Tja", "unsure"),
    ("expectation", "Et rådgivningsdøgn på Villa Sana", "advice"),
    (
        "expectation",
        "Jeg tror jeg trenger noen å snakke med som ikke er kollega eller familie, bare for å sortere tankene",
        "advice",
    ),
    ("self_harm", "Nei", False),
    ("self_harm", "Ja", True),
    ("self_harm", "Av og til", True),
    ("self_harm", "Nei, ikke i det hele tatt", False),
    ("self_harm", "Nei, aldri tenkt sånn", False),
    ("self_harm", "Litt, men ville aldri gjort noe", True),
    ("self_harm", "ja, ofte", True),
    ("self_harm", "Neida", False),
    ("self_harm", "Nei, ikke nå lenger", False),
    ("self_harm", "innimellom", True),
    ("self_harm", "Det har streifet meg", True),
    ("self_harm", "Aldri", False),
    ("self_harm", "Nei, det har jeg ikke", False),
    ("self_harm", "Noen ganger, om natta", True),
    ("self_harm", "Eg har tenkt det ein gong eller to", True),
    ("self_harm", "Nei, men jeg er veldig sliten", False),
    ("self_harm", "Nei, eg har aldri tenkt slik", False),
    ("sleep", "Vil ikke svare", SKIP),
    ("workload", "hopp over", SKIP),
    ("treatment", "usikker", UNSURE),
    ("workload", "tja", UNSURE),
    ("sleep", "Neste spørsmål", SKIP),
    ("conflict", "Vanskelig å si", UNSURE),
    ("sick_leave", "Aner ikke", UNSURE),
    ("self_harm", "vet ikke", UNSURE),
    ("treatment", "Veit ikkje", UNSURE),
    ("coping", "Hmm, vet ikke helt", UNSURE),
]


# Written once the rules above were in place and read once before any rule changed: 72 of these 83 were read right.
# The rules were then widened for the families of words they missed (a post-hoc figure, not a held-out one).
AFTER_THE_RULES = [
    ("work_status", "jobbe full tid på medisinsk avdeling", "working"),
    ("work_status", "Eg er LIS i psykiatri", "working"),
    ("work_status", "sjukmeldt 100 prosent sidan påske", "sick_leave"),
    ("work_status", "er i 60 % stilling nå pga utmattelse", "reduced_hours"),
    ("work_status", "helt ute av jobb, har ikke jobba på et år", "out_of_work"),
    ("work_status", "Vikarierer litt her og der", "working"),
    ("work_status", "gradert sykemelding 50/50", "reduced_hours"),
    ("work_status", "i mammapermisjon", "out_of_work"),
    ("work_status", "jobber som turnuslege i nord-norge", "working"),
    ("workload", "Den er på grensen til uforsvarlig", "unreasonable"),
    ("workload", "passe travel", "heavy"),
    ("workload", "helt ok nå som vi er fullt bemanna", "manageable"),
    ("workload", "Vi går på knærne, tre ubesatte hjemler", "unreasonable"),
    ("workload", "ganske tøft for tiden", "heavy"),
    ("workload", "Jeg har over 1800 på lista og ingen hjelp", "unreasonable"),
    ("workload", "sånn passe, går stort sett greit", "manageable"),
    ("workload", "altfor mykje", "unreasonable"),
    ("workload", "den er høy men det er jeg vant til", "heavy"),
    ("sleep", "sov kanskje tre timer i natt", "poor"),
    ("sleep", "søvnen er elendig", "poor"),
    ("sleep", "grei, men våkner litt tidlig", "some_problems"),
    ("sleep", "Sover greit", "good"),
    ("sleep", "må ha sovetablett for å få sove", "poor"),
    ("sleep", "Ikkje så bra", "poor"),
    ("sleep", "det går i perioder", "some_problems"),
    ("sleep", "får sove, men er aldri uthvilt", "some_problems"),
    ("sleep", "sover tungt og godt", "good"),
    ("warning_signs", "er lei meg og grinete", ["low_mood", "irritability"]),
    ("warning_signs", "gruer meg til hver vakt", ["anxiety"]),
    ("warning_signs", "totalt utkjørt", ["exhaustion"]),
    ("warning_signs", "Jeg mister konsentrasjonen og glemmer avtaler", ["concentration", "memory"]),
    ("warning_signs", "har trukket meg helt tilbake, ser ingen", ["isolation"]),
    ("warning_signs", "magesmerter og hodepine nesten daglig", ["physical_symptoms"]),
    ("warning_signs", "livredd for å gjøre en feil som skader noen", ["fear_of_mistakes"]),
    ("warning_signs", "Jeg føler ingenting for pasientene lenger", ["numbness"]),
    ("warning_signs", "tenkjer på jobb heile tida og søv dårleg", ["constant_worry"]),
    ("warning_signs", "nei, egentlig ikke noe", []),
    ("warning_signs", "føler meg håpløs og nedfor, gråter lett", ["hopelessness", "low_mood", "crying"]),
    ("warning_signs", "panikkangst, hjertebank og svimmelhet", ["anxiety", "physical_symptoms"]),
    ("conflict", "nei, vi har et godt arbeidsmiljø", False),
    ("conflict", "ja, har blitt mobba i lang tid", True),
    ("conflict", "det er en del krangling om vaktplanen", True),
    ("conflict", "ikkje noko konflikt", False),
    ("conflict", "ledelsen prøver å presse meg ut", True),
    ("conflict", "nei egentlig ikke", False),
    ("conflict", "Jepp, med klinikksjefen", True),
    ("coping", "klarer meg sånn noenlunde", "struggling"),
    ("coping", "går greit", "coping"),
    ("coping", "er helt på bunnen, får ingenting til", "not_coping"),
    ("coping", "har det ok", "coping"),
    ("coping", "det er tungt", "struggling"),
    ("coping", "greier ikkje meir", "not_coping"),
    ("coping", "holder det gående, men med nød og neppe", "struggling"),
    ("coping", "fungerer greit", "coping"),
    ("sick_leave", "nei, ikke aktuelt for meg", "not_relevant"),
    ("sick_leave", "har vurdert det men vil ikke belaste kollegene", "dilemma"),
    ("sick_leave", "er sjukmeld no", "on_leave"),
    ("sick_leave", "trenger nok å være borte en periode, men tør ikke", "dilemma"),
    ("sick_leave", "nei det trengs ikke", "not_relevant"),
    ("sick_leave", "går på 50 % sykmelding", "on_leave"),
    ("sick_leave", "skammer meg over at jeg i det hele tatt tenker på det", "dilemma"),
    ("treatment", "ja, går hos psykolog annenhver uke", True),
    ("treatment", "nei, har ikke snakket med noen", False),
    ("treatment", "tar cipralex", True),
    ("treatment", "fastlegen vet ingenting", False),
    ("treatment", "utredes for ADHD", True),
    ("treatment", "har ikke fastlege", False),
    ("treatment", "ja, har vært hos legen min", True),
    ("expectation", "vil gjerne komme tilbake i jobb på en god måte", "way_back"),
    ("expectation", "få noen råd om veien videre", "advice"),
    ("expectation", "konkrete tips til hvordan jeg kan sove bedre", "tools"),
    ("expectation", "jeg tror jeg trenger psykologhjelp", "referral"),
    ("expectation", "veit ikkje", "unsure"),
    ("expectation", "en prat med noen som har vært der selv", "advice"),
    ("expectation", "finne ut om jeg skal bytte til en annen spesialitet", "way_back"),
    ("self_harm", "nei, det har jeg aldri", False),
    ("self_harm", "ja, det har jeg", True),
    ("self_harm", "nei", False),
    ("self_harm", "har hatt slike tanker, ja", True),
    ("self_harm", "nei da", False),
    ("self_harm", "av og til om kvelden", True),
    ("sleep", "hopp over", SKIP),
    ("coping", "vet ikke helt", UNSURE),
]

# Rules widened for the families of words the Norwegian dev personas (tests/e2e/data/personas-nb-dev.json) were misread
# in; each row in other words than the persona's, with a near neighbour that must read differently where it matters.
AFTER_THE_DEV_PERSONAS = [
    # Leave that is someone else's, or over, is not being out of work; a reduction advised is not one made.
    ("work_status", "Eg vikarierer for ei som er i foreldrepermisjon", "working"),
    ("work_status", "Er i foreldrepermisjon til over nyttår", "out_of_work"),
    ("work_status", "Fulltid, og tar vaktene til to kolleger som er i pappaperm", "working"),
    ("work_status", "Jobber fullt igjen etter foreldrepermisjonen", "working"),
    ("work_status", "Er ute i pappapermen", "out_of_work"),
    ("work_status", "Har permisjon fra stillingen ut året", "out_of_work"),
    ("work_status", "Full stilling, men sjefen foreslo at jeg går ned til 60 %", "working"),
    ("work_status", "Har gått ned til 60 % stilling etter jul", "reduced_hours"),
    ("work_status", "Jeg bor i Tromsø og er sykmeldt", "sick_leave"),
    # «men» naming one aspect of the work grants that aspect; «nå som»: the present state.
    ("workload", "Hektisk, men kollegene er fantastiske", "heavy"),
    ("workload", "Hektisk, men det går greit", "manageable"),
    ("workload", "Grei nå som vi har fått en ny lege", "manageable"),
    ("workload", "Travelt nå som det er ferie", "heavy"),
    ("workload", "Hektisk, men handterleg", "manageable"),
    ("workload", "Heilt uhandterleg", "unreasonable"),
    # Sleep: a good reading turned by «men»; "not ideal"; little sleep said with the noun; a denied cause.
    ("sleep", "Sover godt stort sett, men noen netter er urolige", "some_problems"),
    ("sleep", "Sover godt, men drømmer mye", "good"),
    ("sleep", "ikkje ideelt, men det går", "some_problems"),
    ("sleep", "Det er ikke jobben som holder meg oppe, det er ungen som våkner", "some_problems"),
    ("sleep", "Bekymringene holder meg våken til langt på natt", "poor"),
    ("sleep", "Lite søvn for tida", "poor"),
    ("sleep", "Ikke nok søvn", "some_problems"),
    ("sleep", "Ligger og venter på at vakttelefonen skal ringe", "poor"),
    # Warning signs in their word families and dialect forms.
    ("warning_signs", "Kverner på om jeg har oversett noe hos pasientene", ["fear_of_mistakes"]),
    ("warning_signs", "Tenker at det aldri vil bli bra igjen", ["hopelessness"]),
    ("warning_signs", "skjønner ikke hvordan dette skal bli bedre", ["hopelessness"]),
    ("warning_signs", "heilt utkøyrt", ["exhaustion"]),
    ("warning_signs", "Har knapt krefter igjen etter vaktene", ["exhaustion"]),
    ("warning_signs", "Eg gløymde vakta mi i går", ["memory"]),
    ("warning_signs", "husk ingenting fra i går", ["memory"]),
    ("warning_signs", "hjertet banka i brystet om natta", ["physical_symptoms"]),
    ("warning_signs", "Får hovudverk av vaktene", ["physical_symptoms"]),
    ("warning_signs", "Humøret er på bunnen", ["low_mood"]),
    ("warning_signs", "lavt humør", ["low_mood"]),
    ("warning_signs", "Har ingen lyst til å møte venner", ["isolation"]),
    ("warning_signs", "Går nesten aldri ut lenger", ["isolation"]),
    ("warning_signs", "sit mest heime", ["isolation"]),
    ("warning_signs", "kvir meg for å ringe familien", ["isolation"]),
    # Conflict: "not now" opens a no; minor friction; being at odds.
    ("conflict", "Ikke lenger, det ordnet seg i vår", False),
    ("conflict", "Noen uenigheter, ikke noe mer", False),
    ("conflict", "Sjefen og jeg er på kant med hverandre", True),
    ("conflict", "Vi snakker ikke sammen lenger, jeg og avdelingslederen", True),
    ("conflict", "Det har kommet anklager mot meg fra en kollega", True),
    # Coping: "worse than" is no sign; life left lying; no strength over; impossible; a no that opens the answer.
    ("coping", "Jada, har vært gjennom verre ting enn dette", "coping"),
    ("coping", "Det blir verre og verre", "struggling"),
    ("coping", "Jobben går, men resten av livet ligger brakk", "struggling"),
    ("coping", "Har ikkje krefter til anna enn jobb", "struggling"),
    ("coping", "Henger med, stort sett", "coping"),
    ("coping", "Selv å dusje føles umulig", "not_coping"),
    ("coping", "Nei, sånn er det bare", "not_coping"),
    ("coping", "Neida, det går fint", "coping"),
    # Sick leave: not needed after «men»; «bør» is not «bor»; how much, with or without a yes; a thought played with;
    # days off offered by a boss of any title.
    ("sick_leave", "Psykologen foreslo det, men eg treng det ikkje", "not_relevant"),
    ("sick_leave", "Fastlegen tilbød det, men jeg tør ikke", "dilemma"),
    ("sick_leave", "Nei, jeg bor alene og klarer meg fint", "not_relevant"),
    ("sick_leave", "Jeg bør nok sykmelde meg", "dilemma"),
    ("sick_leave", "Jepp, 100 prosent", "on_leave"),
    ("sick_leave", "gradert", "on_leave"),
    ("sick_leave", "ja, gradert 60 prosent nå", "on_leave"),
    ("sick_leave", "Ja, kanskje gradert", "dilemma"),
    ("sick_leave", "Eg har leika med tanken", "dilemma"),
    ("sick_leave", "Klinikksjefen har tilbudt meg noen dager fri", "dilemma"),
    ("sick_leave", "Avdelingslederen sa jeg burde ta et par uker", "dilemma"),
    # An unsure answer that still says what is wanted, or says yes to the safety question.
    ("expectation", "Vet ikke helt, kanskje noen tips til å sette grenser", "tools"),
    ("expectation", "Vet ikke hva jeg trenger", "unsure"),
    ("self_harm", "Usikker, men tanken har vært der ofte", True),
    ("self_harm", "Vet ikke, nei tror ikke det", UNSURE),
]


def reads_as(reading, expected) -> bool:
    if isinstance(expected, Outcome):
        return reading.outcome is expected
    if reading.outcome is not Outcome.VALUE:
        return False
    if isinstance(expected, list):  # the signs named must be among those read; "none of these" is exactly []
        return set(expected) <= set(reading.value) if expected else reading.value == []
    return reading.value == expected


@pytest.mark.parametrize("slot,text,expected", CASES + AFTER_THE_RULES + AFTER_THE_DEV_PERSONAS)
def test_norwegian_answers_map_to_coded_values(slot, text, expected):
    reading = interpret(slot, text, "nb")
    assert reads_as(reading, expected), reading


def held_out_rows() -> list[tuple[str, str, object]]:
    rows = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["rows"]
    return [(r["slot"], r["text"], Outcome(r["outcome"]) if "outcome" in r else r["value"]) for r in rows]


# The share of held-out answers read right when the rules were written (117 of 117; see the module's docstring), less a
# margin: a change that reads fewer of them right than this has made the rules worse for answers nobody tuned them on.
HELD_OUT_FLOOR = 0.95


def test_held_out_answers_are_mostly_read_right():
    rows = held_out_rows()
    right = sum(reads_as(interpret(slot, text, "nb"), expected) for slot, text, expected in rows)
    print(f"held out: {right} of {len(rows)} read right")
    assert len(rows) >= 100
    assert right / len(rows) >= HELD_OUT_FLOOR


def without_aeoeaa(text: str, pairs: bool) -> str:
    table = {"æ": "ae", "ø": "oe", "å": "aa"} if pairs else {"æ": "a", "ø": "o", "å": "a"}
    for letter, typed in table.items():
        text = text.replace(letter, typed).replace(letter.upper(), typed.capitalize())
    return text


WITH_AEOEAA = [(slot, text) for slot, text, _ in CASES if any(ch in text.lower() for ch in "æøå")]


@pytest.mark.parametrize("slot,text", WITH_AEOEAA)
def test_typed_without_aeoeaa_reads_the_same(slot, text):
    reading = interpret(slot, text, "nb")
    assert interpret(slot, without_aeoeaa(text, pairs=True), "nb") == reading
    assert interpret(slot, without_aeoeaa(text, pairs=False), "nb") == reading


@pytest.mark.parametrize(
    "slot,text,language,expected",
    [
        # English on the Norwegian page: the Norwegian lexicon reads nothing, the English one does.
        ("sleep", "I sleep badly", "nb", "poor"),
        ("workload", "busy but manageable", "nb", "manageable"),
        ("conflict", "no, my colleagues are fine", "nb", False),
        ("sick_leave", "I've considered it", "nb", "dilemma"),
        # Norwegian on the English page, or before the language is known.
        ("sleep", "sover dårlig", "en", "poor"),
        ("sleep", "sover dårlig", None, "poor"),
        ("conflict", "ja", "en", True),
        ("treatment", "nei", None, False),
        ("warning_signs", "gråter mye og er utbrent", "en", ["crying", "exhaustion"]),
        # English words in a Norwegian sentence.
        ("warning_signs", "jeg er helt burnout", "nb", ["exhaustion"]),
        ("workload", "helt insane for tida", "nb", "unreasonable"),
        ("expectation", "noen tools", "nb", "tools"),
    ],
)
def test_the_doctors_language_first_then_the_other(slot, text, language, expected):
    assert reads_as(interpret(slot, text, language), expected)


def test_fear_of_mistakes_is_not_counted_as_general_anxiety():
    assert "anxiety" not in interpret("warning_signs", "Jeg er så redd for å gjøre feil", "nb").value
    assert "anxiety" in interpret("warning_signs", "Jeg er redd hele tiden", "nb").value


@pytest.mark.parametrize(
    "text,signs",
    [
        # A fright over a mistake, however far the words are apart, is the fear of mistakes, not anxiety.
        ("Ble livredd da jeg skjønte at jeg hadde gitt feil dose", {"fear_of_mistakes"}),
        ("Redd hele tiden, uten noen grunn", {"anxiety"}),
        # «uro for» someone is worry about them; unrest in the body is anxiety.
        ("Kjenner på uro for hvordan det går med pasientene", {"constant_worry"}),
        ("Uro i kroppen hele dagen", {"anxiety", "physical_symptoms"}),
        # «ser ikke» is isolation only with people as what is not seen.
        ("ser ikke noen vei ut av dette", {"hopelessness"}),
        ("ser ikke venner lenger", {"isolation"}),
    ],
)
def test_the_signs_read_are_these_and_no_others(text, signs):
    assert set(interpret("warning_signs", text, "nb").value) == signs


def test_none_of_these_is_an_empty_list_not_a_skip():
    assert interpret("warning_signs", "nei", "nb") == interpret("warning_signs", "ingen av dem", "nb")
    assert interpret("warning_signs", "Nei, ingenting sånt, bare sliten", "nb").value == ["exhaustion"]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Jeg har vært sykmeldt i fire måneder med depresjon",
            {"work_status": "sick_leave", "sick_leave": "on_leave", "treatment": True},
        ),
        (
            "Jeg er 50 % sykmeldt og tør ikke be om tilrettelegging",
            {"work_status": "reduced_hours", "sick_leave": "on_leave"},
        ),
        ("Det er en alvorlig konflikt med avdelingslederen", {"conflict": True}),
        ("Har kroniske smerter og har vært ute av arbeid i et år", {"work_status": "out_of_work"}),
        (
            "Eg går til psykolog og er sjukmeld",
            {"work_status": "sick_leave", "sick_leave": "on_leave", "treatment": True},
        ),
        ("Hei, jeg er fastlege og mor til to", {}),
        ("Fastlegen vil sykmelde meg, men jeg vet ikke", {}),
        ("Jeg vurderer å sykmelde meg", {}),
        ("Jeg håper å bli henvist til psykolog", {}),
        # How much, said in answer to another question, is no sick leave.
        ("Helt urimelig, 70 timer i uka", {}),
        ("Ja, 80 % av dagene", {}),
        ("Vi dekker vaktene for kolleger i foreldrepermisjon", {}),
        ("Eg va sjukmeldt ei stund i fjor", {}),
        ("Vurderer gradert sykmelding, men hvem skal ta vaktene?", {}),
    ],
)
def test_volunteered_information_is_only_taken_when_clear(text, expected):
    assert volunteered(text, "nb") == expected


@pytest.mark.parametrize(
    "text,work_status,sick_leave",
    [
        ("Jeg har aldri vært sykmeldt", None, None),
        ("Kollegaen min er sykmeldt, så jeg dekker vaktene hans", "working", None),
        ("Jeg har fått tilbud om sykmelding", None, None),
        ("Jeg var sykmeldt i fjor", None, "not_relevant"),
        ("Har vært sykmeldt siden i fjor", "sick_leave", "on_leave"),
        ("Før jeg ble sykmeldt jobbet jeg 120 %", "sick_leave", "on_leave"),
    ],
)
def test_a_sick_leave_never_taken_someone_elses_offered_or_past_is_not_one_taken(text, work_status, sick_leave):
    assert interpret("work_status", text, "nb").value == work_status
    assert interpret("sick_leave", text, "nb").value == sick_leave
    taken = volunteered(text, "nb").get("sick_leave") == "on_leave"
    assert taken is (sick_leave == "on_leave")


def test_the_folded_lexicon_refuses_aeoeaa_in_a_pattern(tmp_path):
    raw = yaml.safe_load(LEXICON_FILES["nb"].read_text(encoding="utf-8"))
    bad = tmp_path / "answers_nb.yml"
    # "spørsmålet" is read "sporsmalet", and "noen" is read "non": neither pattern could ever match.
    for pattern in ("^hopp over spørsmålet", "\\bnoen ganger\\b"):
        bad.write_text(yaml.safe_dump({**raw, "skip": [*raw["skip"], pattern]}, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ValueError, match="cannot contain"):
            load_lexicon(bad)


# --- fuzzing (hypothesis): whatever a doctor types on the Norwegian page, the answer is a coded value or nothing -----
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.core.values import FORM_SLOTS, is_valid_value  # noqa: E402

NORWEGIAN_LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ %,.-!?0123456789", max_size=200)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FORM_SLOTS), st.one_of(st.text(max_size=300), NORWEGIAN_LETTERS))
def test_any_answer_maps_to_a_coded_value_or_to_nothing(slot, text):
    result = interpret(slot, text, "nb")
    assert result.outcome in set(Outcome)
    if result.outcome is Outcome.VALUE:
        assert is_valid_value(slot, result.value), (slot, text, result.value)
    else:
        assert result.value is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), NORWEGIAN_LETTERS))
def test_whatever_is_volunteered_is_a_coded_value(text):
    for slot, value in volunteered(text, "nb").items():
        assert slot in FORM_SLOTS and is_valid_value(slot, value), (slot, value)


COLD = Path(__file__).parent / "data" / "answers_nb_cold.yml"
# 246 answers written by a helper who never saw the lexicons, the patterns or these tests (nothing was tuned on them):
# 217 read right when they were added, 221 once the rules were widened for the Norwegian dev personas. A change that
# reads fewer of them right has made the reading of Norwegian nobody tuned it on worse. Raise it as the reading
# improves; never lower it.
COLD_FLOOR = 221


def test_answers_written_cold_are_read_at_least_as_well_as_when_they_were_added():
    rows = yaml.safe_load(COLD.read_text(encoding="utf-8"))
    assert len(rows) == 246
    right = 0
    for row in rows:
        expected = row["expect"]
        if expected == "skip":
            expected = SKIP
        elif expected == "unsure" and row["slot"] != "expectation":  # "unsure" is a value of expectation
            expected = UNSURE
        right += reads_as(interpret(row["slot"], row["text"], "nb"), expected)
    print(f"written cold: {right} of {len(rows)} read right")
    assert right >= COLD_FLOOR
