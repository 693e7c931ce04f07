"""The ``mots-cles`` classifier: French and English keyword rules, no model, no I/O.

It is the baseline every deployment has: deterministic, explainable (each decision lists
the words that triggered it in ``reasons``) and cheap enough to run on every interaction.
It is tuned for comments left on health and wellbeing projects, where the one failure that
matters most is missing someone in crisis, so the crisis rules favour recall: a false
positive costs a human a minute, a false negative can cost far more.

Matching happens on a *folded* copy of the text (lowercase, accents stripped, letter
elongations collapsed) so that "DÉÇU", "decu" and "décuuuu" are the same word; the
lowercase copy with accents is kept for the few places where accents carry meaning ("où"
versus "ou") and for language detection.

Language: stopword counts decide short texts; from three words on, the character n-gram
model of ``py3langid`` (when installed) is asked too, over every language it knows (0.9.0;
until then over French, English and eight neighbours), so that Spanish or Turkish comes out as
``und`` instead of a forced guess, unless the stopword margin is already clear (then the model
could not change the answer).
Before either, a comment holding more function words of the audience's other languages
(Spanish, Portuguese, Italian, German, Dutch, Haitian Creole, Darija, Tagalog, Romanian) than
French and English ones is ``und`` (0.5.0: Portuguese and Spanish used to pass for French), and
so is one whose letters are mostly of another script (0.6.1: Arabic was read as English); with
one such word the n-gram model is asked even when French stopwords look clear ("me muero de
hambre después de la sesión" shares "me", "de", "la" with French). 0.6.1 changes nothing but
the language: 0.6.0 and 0.6.1 give the same categories on all the labeled files. 0.7.0 adds
frames for fiction, news and numbers, trainings, campaigns and deaths that were not one (each
reads the subject, "suicide", never the state, "suicidal"), and crisis phrases in Arabic,
Portuguese, Wolof and Lingala and in emoji (alone or with a time or a farewell); 0.7.1, the
function words of Haitian Creole, Wolof and Lingala (again the language only). 0.8.0 knows
"I want to die", "I will kill myself", "I don't want to live" in about thirty more languages
(``world_crisis.py``): every crisis text missed on the last four held-out sets was in a
language the rules did not know. 0.9.0 lets the n-gram model rank every language it knows
(Turkish, Vietnamese, romanised Hindi or Samoan used to be forced into French or English),
adds about a thousand crisis phrases of 36 languages (``world_crisis.py``: other persons and
tenses, third parties, self-harm, goodbyes) and the insults of the audience's other languages.

Choices (crisis):

* A third party at risk *now* is crisis: "my friend says she wants to die", "mon chum veut se
  tuer": someone is in danger and the helpline helps the writer help them. A death, an
  attempt or a bereavement in the past ("lost my uncle to suicide", "il y a 10 ans j'ai fait
  une tentative, aujourd'hui je vais bien") and news or statistics are not crisis.
* Figurative uses are not crisis: "mourir de rire", "this traffic is killing me", "j'ai failli
  mourir de honte", "I'd kill for a coffee", "Suicide Squad", praise of a prevention
  campaign. The topic words (suicide, self-harm) still fire outside such phrases: a false
  positive costs a human a minute, a miss can cost a life.
* Thanks inside a crisis message ("merci pour tout", "thank you for trying") are a goodbye,
  not praise: praise is dropped when crisis is found.
* Crisis is crisis in any language: a few phrases of the audience's other languages are
  known (a Portuguese "vai se matar" is found though the comment is ``und``); the support
  message then goes out in the author's locale if the platform gives one, else in the
  crisis policy's ``fallback_locale``.
* Asking how to recognise it in others ("the warning signs someone might be suicidal"), a
  campaign against its stigma, a training or a film scene are informational, not crisis;
  "I used to self harm… clean for 5 years" is a recovery, but "used to" alone is not.
* Most people in crisis use no stock phrase (0.6.0): a strong signal of one kind (despair,
  a farewell, a plan or a time, ambivalence) and any signal of another kind in the same
  message are crisis; one kind alone, or two weak signals, are not: "chu pu capable. bye"
  after a workout and "c'est décidé, je m'inscris! merci pour tout" stay ordinary. Wishing
  someone else dead ("tu mérites de crever") is harassment, not the writer's crisis, unless
  the writer reports it ("everyone tells me to go die"); a quoted song title, a study or a
  population's trend is informational; a recovery story ends at any present plan, place,
  means or strong signal.
* Teasing between friends ("t'es malade toi 😂", "mon petit con 😂 je t'aime") is not abuse
  when only mild insults appear next to laughter and a friendly marker.

Choices (questions): a sentence that exclaims ("?!"), a rhetorical question ("are you kidding
me", "could this line be any longer", "t'es débile ou quoi") and a question its writer answers
("…? Non, évidemment.") ask nothing (0.6.0); the reasons say when one was ignored.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from connecteurs.models import (
    Category,
    Classification,
    Interaction,
    Risk,
    Sentiment,
    SentimentLabel,
)
from plugins.classifiers import world_crisis
from plugins.classifiers.alternation import (
    dispatched_alternation,
    word_alternation,
    word_alternation_source,
)
from plugins.classifiers.gate import Gate, GatedPattern, GateStatus, Scanner

NAME = "mots-cles"
VERSION = "0.9.0"

# One native scan names the lexicons that may match a comment; the others are not run
# (gate.py). It decides nothing: the rules' results are the same with or without it.
_GATE = Gate(NAME)


def _gated(source: str) -> GatedPattern:
    return _GATE.add(re.compile(source))


def _split(words: str) -> frozenset[str]:
    """Lexicons are written as one string per line; this keeps them readable."""
    return frozenset(words.split())


# --------------------------------------------------------------------------- lexicons
# Every word list is written in folded form (lowercase, no accents): that is what it is
# matched against.

FR_STOPWORDS: frozenset[str] = _split(
    # "a", "on", "me", "son", "plus" and "pour" are left out: they are English words too.
    "le la les de des du un une et est je tu il elle nous vous ils elles ce cet cette ces "
    "que qui quoi dans avec sur pas ne mais ou au aux mon ma mes ton ta tes sa ses notre "
    "votre vos nos leur leurs suis sont ai avez avons etait tres bien merci bonjour oui non "
    "comment pourquoi quand aussi encore toujours rien tout tous ca vraiment parce alors "
    "donc chez sans sous depuis moi toi lui fait faire peut veux svp stp "
    # Quebec
    "pis tse chu pantoute icitte asteure toe moe "
    # texting
    "jveux jsuis chui jpeux jsais jai pcq bcp mdr ptdr ouais"
)
EN_STOPWORDS: frozenset[str] = _split(
    "the and is are was were be been to of in it its this that these those you your i my "
    "we our they their he she his her for with not no have has had do does did can could "
    "would will should what how why where when who which just so but at from or if about "
    "there here all any some very really thank thanks please still yet get got an by am "
    "than then them him out up only also because after before into over again know want "
    "need "
    # texting
    "im gonna wanna gotta myself dont cant didnt doesnt isnt lol"
)
FR_ACCENTS = frozenset("àâçéèêëîïôûùüÿœæ")
# Function words of the other languages comments on these pages come in (Spanish,
# Portuguese, Italian, German, Dutch, Haitian Creole, Tagalog, and Darija written in Latin
# letters), none of them a French or English stopword (a unit test checks): with accents and
# French "que", "se", "la", "de", a Portuguese or Spanish comment used to count as French.
FOREIGN_STOPWORDS: frozenset[str] = _split(
    # Left out, being French or English words too: eu, y, os, dos, las, um, sim, yo, hay,
    # dice, nada, mucho, van, met, dat, ik, bin, fur (für), con; and French slang, names and
    # English abbreviations: wallah, walou, safi, bzaf, wach, ana, nou, pou, ap, ak, po.
    # Spanish
    "el los del esta estan muy pero para tengo tambien gracias porque cuando eso "
    "esto aqui puedo hacer nadie donde como quiero hermano hermana ayuda ayudenme usted "
    "ustedes unos unas hola senor senora contesta telefono "
    # Portuguese
    "nao voce voces meu minha com uma muito obrigado obrigada isso ele ela hoje tem "
    "tenho ninguem mae vai fala faco atende noite disse amigo amiga esperei horas "
    "vergonha atendimento portugues "
    # Italian
    "che sono della delle questo questa piu faccio stasera grazie perche anche gli di sul "
    "vado finita nella sempre ancora niente voglio gruppo supporto "
    # German
    "ich nicht und der das ist mir mich ein eine wollte heute geht danke eure mehr auch "
    "aber wie habe kann leben "
    # Dutch
    "het niet een wij jullie zijn maar voor hebben "
    # Haitian Creole
    "mwen ka anko aswe mesi anpil fe ede kontinye travay konnen "
    # Darija (Latin letters)
    "bghit ghadi kolchi chokran kayn dyal fiha nmout "
    "smhouli lyouma ta3ban 3andi 3la b9it b9a nqder nsali bqitch n3ich ychafi mrid "
    "3likoum "
    # Tagalog
    "salamat ang ng mga naman laking tulong "
    # 0.6.1 (heldout7's language mistakes): Romanian, more Darija, Spanish and Tagalog
    "pentru meu mea mele sunt este aia asta acest aceasta din foarte acum vreau doar daca "
    "fost fiul fiica bine ziua multumesc "
    "dyali dyalek walakin labas hamdoullah hamdulillah lhamdulillah mzyan daba kayhder "
    "fhem lkhedma tbib "
    "despues jaja jajaja muchas muchos "
    "meron kayong kayo hindi wala ako siya natin "
    # 0.7.1 (heldout9's language mistakes): Haitian Creole, Wolof, Lingala, more Spanish
    "janm anyen kote kile moun sak pase tann edtan vann pwodwi natirel geri maladi ekri jwenn "
    "klinik ouve samdi dimanch bann enbesil videyo touye sevis pesonn reponn telefon fatige "
    "jerejef nanga beneen yoon lool naa dama begg "
    "matondi mingi mosala bino nzambe apambola "
    "esposo esposa mejor seguir dijo"
)
# Letters that French and English do not use (or "¿", "¡"): a word holding one is foreign.
FOREIGN_LETTERS = frozenset(
    "ãõñáíóúìòäößåø¿¡ășțşţ"  # 0.6.1: Romanian ă ș ț
    # 0.9.0: Turkish, Polish, Czech and Slovak, Hungarian, and Vietnamese's hooked and dotted
    # vowels (French writes none of them: one such word in a name is not enough, see below)
    "ığłąęńśźżřěůčšžőűđươạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)
FOREIGN_MIN = 2  # at least this many foreign words, and more than fr and en stopwords

# Intensifiers scale the sentiment word that follows them.
INTENSIFIERS: frozenset[str] = _split(
    "tres vraiment trop tellement hyper super vachement extremement completement "
    "totalement absolument full so really very extremely totally absolutely completely "
    "incredibly truly fucking damn"
)
# A negator within three words before a sentiment word flips it ("pas bon", "not good").
NEGATORS: frozenset[str] = _split(
    "pas jamais aucun aucune rien sans pu non not no never nothing none nobody neither nor "
    "cannot without dont didnt doesnt isnt wasnt arent werent cant wont aint hardly"
)
# Spoken French puts the negation after the verb: "j'aime pas", "je recommande pas".
POST_NEGATED_VERBS: frozenset[str] = _split(
    "aime adore aimais adorais kiffe apprecie recommande conseille"
)
POST_NEGATORS: frozenset[str] = frozenset({"pas", "jamais", "pantoute"})
# "merci pour rien" / "thanks for nothing" are sarcasm, read as a negation.
SARCASM_TAILS: frozenset[tuple[str, str]] = frozenset({("pour", "rien"), ("for", "nothing")})
# "jamais été aussi déçu", "never been this happy": comparatives cancel the negation.
NEGATION_BREAKERS: frozenset[str] = _split(
    "aussi autant si so as this that more plus only seulement doute"
)

_WEAK, _NORMAL, _STRONG = 0.5, 1.0, 1.6
POSITIVE_WORDS: dict[str, float] = {
    **dict.fromkeys(
        _split(
            "bon bonne bons bien utile utiles interessant interessante nice cool "
            "top beau belle gentil gentille clair rapide fast quick easy facile sympa"
        ),
        _WEAK,
    ),
    **dict.fromkeys(
        _split(
            "merci thanks thank content contente contents heureux heureuse ravi ravie satisfait "
            "satisfaite bravo super good great happy glad helpful useful efficace chouette aime "
            "recommande recommend appreciate appreciated apprecie kind beautiful fier fiere "
            "proud grateful thankful reconnaissant reconnaissante inspirant inspiring touchant "
            "touching felicitations congrats congratulations kudos tripant trippant meilleur "
            "best like liked"
        ),
        _NORMAL,
    ),
    **dict.fromkeys(
        _split(
            "genial geniale geniaux excellent excellente parfait parfaite magnifique formidable "
            "merveilleux merveilleuse adore love loved amazing awesome wonderful fantastic "
            "brilliant perfect outstanding superbe exceptionnel exceptionnelle"
        ),
        _STRONG,
    ),
}
NEGATIVE_WORDS: dict[str, float] = {
    **dict.fromkeys(
        _split(
            "mal probleme problem issue malheureusement unfortunately lent lente slow bug bugs "
            "confus confused inquiet inquiete worried peur afraid scared crisse tabarnak tabarnac "
            "osti ostie esti estie calisse ciboire fuck shit putain"
        ),
        -_WEAK,
    ),
    **dict.fromkeys(
        _split(
            "mauvais mauvaise nul nulle nuls decu decue decus decevant decevante triste sad bad "
            "poor wrong fache fachee enerve enervee frustre frustree frustrant frustrating "
            "frustrated annoying annoyed upset angry colere marre tanne tannee useless inutile "
            "broken fail failed disappointed disappointing ridicule ridiculous merde marde crap "
            "sucks suck rude impoli incompetent pathetic pathetique mediocre dommage shame honte "
            "stupide stupid idiot debile dumb scam arnaque menteur liar"
        ),
        -_NORMAL,
    ),
    **dict.fromkeys(
        _split(
            "horrible affreux affreuse terrible awful worst pire inacceptable unacceptable "
            "inadmissible scandaleux scandaleuse scandale honteux honteuse disgusting "
            "degueulasse deteste hate hated furieux furieuse furious catastrophique catastrophe "
            "atroce lamentable degoute degoutee disgraceful outrageous"
        ),
        -_STRONG,
    ),
}

POSITIVE_EMOJI = frozenset("❤♥😍🙏👍😊🥰👏💪😀😃😄😁🤗💕💖💙💚💛💜🧡🤍✨🎉🙌☺🌟😘👌💯🔥")
NEGATIVE_EMOJI = frozenset("😡🤬👎😠💩🤮😤🙄🖕")
SAD_EMOJI = frozenset("😢😭😞😔💔😿🥺☹🙁😥😩😫")
SPAM_EMOJI = frozenset("💰💸🤑📈🎁🔞")

# How much each detected category pulls the sentiment, for texts whose words say little
# ("toujours pas reçu mon remboursement" is negative without one negative word).
CATEGORY_SENTIMENT_BIAS: dict[Category, float] = {
    Category.CRISIS: -3.0,
    Category.HARASSMENT: -1.5,
    Category.HATE: -1.5,
    Category.ABUSE: -1.0,
    Category.COMPLAINT: -1.0,
    Category.PRAISE: 0.8,
}

# ----------------------------------------------------------------------- category rules
# Fragments are regular expressions over the folded text, joined into one alternation per
# rule and anchored on word edges by ``_compile``.

# suicide, suicidé, suicidaire, the typos sucide, suiside, and (0.4.0) the spellings that
# dodge filters: s*icide, su1c1de, sui cidal.
_SUICIDE = r"(?:su(?:i?c|is)i?d\w*|s[u*][i1!*]? ?c[i1!*]d\w*|s[u*]1c1?d\w*)"
_SELF_HARM = r"(?:self[- ]?harm\w*|auto-?mutil\w*|scarifi\w*)"
_CRISIS_TOPIC_WORD = rf"(?:{_SUICIDE}|{_SELF_HARM})"

# "jveux", "je veu", "je veut": the spellings of someone typing fast on a phone.
_WANT_FR = (
    r"(?:j'?|ch'?)?(?:veux|veu|veus|veut|voudrais|voulais|voudrait|aimerais|souhaite"
    r"|souhaiterais|prefererais|envie de|besoin de|merite de|(?<!tu )(?<!t')merites de"
    r"|meriterais de)"
)
_WANT_EN = (
    r"(?:wants?|wanted|wanting|wanna|wan|whant|wish|wished|ready|plan|planning|trying|tryna"
    r"|decided|deserve|deserved)"
)

# Leaving on a trip or moving house is not a farewell: "i'll be gone by friday, vacation".
_NOT_TRAVEL = (
    r"(?![^.!?\n]*(?:vacation|vacances|trip|voyage|holiday|conge|move|moving|demenag\w*|pars en"
    r"|leaving for|flight|vol pour|road ?trip|chalet|camping|cruise|croisiere))"
)
# "je vais", "jvais", "j'vais", "jvai", "m'as" (joual): the future of intent.
_VAIS_FR = r"(?:je vais|je vas|j' ?vais|jvais|jvai|j'vai|jvas|m'as|chu pour|je m'en vais)"

# 0.4.0: the means of an overdose (medicine names people count, save up or ask about) and
# the family a farewell is addressed to.
_PILLS = (
    r"(?:pills?|meds|medications?|tablets?|sleeping pills|painkillers|insulin\w*|pilules?"
    r"|cachets?|comprimes?|medocs?|medicaments?|somniferes?|doliprane|paracetamol|tylenol|advil"
    r"|ibuprofen\w*|xanax|ativan|lorazepam|antidepress\w*|anxiolytiques?|insuline)"
)
_KIN = (
    r"(?:(?:my|ma|mon|mes) (?:mom|mum|mother|dad|father|parents|family|kids|children|sister"
    r"|brother|wife|husband|partner|girlfriend|boyfriend|son|daughter|grandma|grandpa|mere|pere"
    r"|famille|enfants|soeur|frere|blonde|chum|femme|mari|copain|copine|maman|papa|fils|fille"
    r"|grand-mere|grand-pere|mamie|papi)|papa|maman|mamie|papi)"
)

CRISIS_DIRECT: tuple[str, ...] = (
    # French: wanting to die, to disappear, to end it
    rf"{_WANT_FR} (?:juste |tellement |vraiment |seulement |simplement |bien )?"
    r"(?:mour+i(?:re?)?(?! de (?:rire|faim|chaud|honte|impatience))"
    r"|crever(?! de (?:faim|chaud|rire))"
    r"|disparaitre(?! de)|en finir|(?:ne )?(?:plus|pu|pus) (?:vivre|exister|etre la|etre ici)"
    r"|ne plus me reveiller)",
    r"en finir(?! avec (?!(?:la vie|ma vie|tout|moi|ca|cette vie|mes jours)(?!\w)))",
    r"fin a (?:mes jours|ma vie)",
    rf"(?:me|m') ?{_SUICIDE}",
    r"(?:je me fais|me faire|m'etre fait|me suis fait) du mal",
    rf"(?:{_WANT_FR}|vais) me faire mal",
    rf"(?:{_WANT_FR}|vais|pense a|penser a|songe a|pret a|prete a|compte|essaye de"
    r"|essayer de|essaie de|tente de|tenter de|ai essaye de|ai tente de|parle de|menace de)"
    r" (?:de )?(?:me|se|s') ?(?:tuer|tue|suicider|pendre|foutre en l'air|supprimer|noyer"
    r"|jeter|tirer une balle|tirer dessus)(?! a (?:l'ouvrage|la tache|travailler))",
    r"(?:va|allait|vont|allaient) (?:se|s') ?(?:tuer|suicider|pendre|foutre en l'air|jeter"
    r"|tirer une balle)(?! a (?:l'ouvrage|la tache|travailler))",
    r"(?:me|se|m'|s') ?tirer une balle",
    r"(?:parle|parlait|parlent|parler|pense|pensait) (?:de |d'|a )(?:mourir|en finir"
    r"|disparaitre|la mort)",
    r"(?:me|m') (?:foutre|fous|fou) en l'air",
    r"(?:m'|me )?(?:ouvrir|ouvre|couper|taillader|trancher|tailler) les veines",
    r"(?:me|se) (?:pendre|scarifi\w*|mutil\w*|taillad\w*|(?:jeter|lancer) (?:sous|du|d'un|par"
    r"|en bas)"
    r"|(?:sacrer|crisser|garrocher|tirer|jeter|lancer) en bas)",
    r"(?:think\w*|thought) (?:about|of) (?:driving|crashing|swerving|jumping|overdosing|cutting"
    r"|hanging|drowning)",
    r"(?:plus|pu|pus|pas|aucune|perdu|perdue) (?:aucune |de |d' ?)?(?:le |la |l'|d'|de )?"
    r"(?:gout|envie|force|raisons?) (?:de |d')?(?:vivre|rester en vie|continuer a vivre)",
    r"(?:plus|pu|pus) (?:le )?gout de rien",
    r"(?:devrais|devrait|ferais mieux de|should|might as well|ought to) (?:juste |just )?"
    r"(?:mourir|crever|disparaitre|en finir|die|disappear|end it|kill myself)",
    r"(?:^|(?<=[.!?,\n]) ?)(?:il |y )?(?:faudrait|vaudrait mieux) que je (?:meure|disparaisse)",
    rf"{_WANT_FR} (?:juste )?(?:partir|m'en aller|dormir|disparaitre) (?:pour de bon|pour"
    r" toujours|a jamais|et (?:ne )?(?:plus|pu|jamais|pas) (?:me )?reveiller)",
    r"(?:vais|veux) tout (?:arreter|lacher) (?:ce soir|pour de bon|definitivement)"
    r"|j'ai (?:assez|trop) souffert(?= ?(?:$|[.,!;\n]))",
    r"(?:vois|voit|vois pu|trouve) (?:pas|pu|plus|aucune) (?:d'issue|de sortie|d'avenir|de porte"
    r" de sortie|de lumiere|le bout|de solution)|(?:can't|cant|cannot|don't|dont) see (?:a |any"
    r" )?(?:way out|future|light|other way)|(?:done|tired of|finished) fighting",
    r"(?:me|se|m'|s') ?(?:couper|coupe|coupais|coupes|coupent)(?= ?(?:$|[^\w\s]|encore"
    r"|souvent|le soir|la nuit|tous|quand|depuis|again))",
    r"(?:overdose|surdose|od) (?:ce soir|tonight|on purpose|expres)|(?:going to|gonna|want to"
    r"|wanna|will|planning to|about to|vais|veux|va) (?:to )?(?:overdose|od|faire une overdose"
    r"|faire une surdose)",
    r"(?:j'?)?(?:veux|veut|peux|peut|sais|voulais) (?:plus|pu|pus|pas) (?:vivre|exister"
    r"|continuer a vivre)",
    r"(?:plus|pu|pas) (?:la force|le courage|l'energie) de (?:continuer|me battre|vivre|tenir)",
    r"personne ne (?:me )?(?:regretter\w*|remarquer\w*|s'en (?:rendrait|apercevrait) compte)"
    r"|si je (?:disparaissais|mourais|meurs|mourrais|disparais|n'etais plus la)",
    r"(?:no one|nobody|noone) (?:would|will|'d) (?:even |really |ever )?(?:miss me|notice"
    r"|care if i)",
    r"if i (?:was|were|am) (?:gone|dead|not here|not around|never born)",
    r"(?:happier|better|better off) without me",
    r"(?:it all|everything|my life|all of this|this life|the pain) to (?:end|stop|be over)",
    r"nothing left (?:for me|to live for)|(?:rien|plus rien|pu rien) (?:ne |qui )?me retient",
    r"wish i (?:wasn't|wasnt|weren't|werent|was not|were not) (?:alive|here|born|around)",
    r"and (?:not|never) wake (?:up|back up)",
    r"(?:ca|tout) va (?:finir|se terminer|s'arreter) (?:ce soir|cette nuit)|(?:it|this|everything)"
    r" (?:ends|will end|is ending) tonight",
    r"(?:what's|whats|what is) the point (?:of|in) (?:living|life|being alive|going on)",
    r"(?:end|ending|take|taking) (?:his|her|their) (?:own )?life",
    r"(?:plan\w*|going|gonna|ready|decided|want|wanna|about) (?:to )?end it(?! with)",
    r"end it (?:all|tonight|today|now|soon|this (?:week|weekend|time))",
    r"(?:go to )?sleep forever|(?:sleep|fall asleep|go to sleep) and never wake up"
    r"|never wake up",
    r"(?:this is|here's|here is|heres) (?:my )?goodbye",
    r"(?:written|wrote|writing|write|left) (?:my |a )?(?:suicide )?(?:note|goodbye letters?)",
    r"(?:took|take|taken|swallowed|swallow) (?:a bunch of|a lot of|too many|a whole (?:bottle"
    r"|box|pack) of|a handful of|all (?:of )?(?:my|the|her|his)) (?:my |the |her |his )?"
    r"(?:pills|meds|tablets|sleeping pills|medication|painkillers|advil|tylenol)",
    r"how (?:much )?longer i can (?:hold on|take (?:it|this)|keep going|go on)"
    r"|can't hold on (?:anymore|much longer)|cant hold on",
    r"(?:life|living) (?:is not|isn't|isnt|aint|ain't|is no longer) worth (?:living|it)",
    r"(?:i'm|im|i am) (?:standing |sitting )?on (?:the|a|top of the|the edge of the) (?:bridge"
    r"|roof|ledge|edge)",
    r"(?:going to|gonna|about to|want to|wanna) jump(?= ?(?:$|[.,!?;\n]|off|from))",
    r"(?:marre|tanne|tannee|fatigue|fatiguee|epuise|epuisee|lasse?|ecoeuree?|jpp|j'en peux"
    r" (?:plus|pu|pus)|jen peux (?:plus|pu)) (?:de |d')(?:la vie|vivre|exister|ma vie|cette vie)",
    r"(?:la|ma) vie (?:n')?a (?:(?:plus|pu|pus|pas|jamais) (?:de |d'|aucun )?|aucun )sens",
    r"(?:la vie|ma vie|vivre) (?:ne )?(?:vaut|vaux) (?:plus|pu|pas) la peine",
    r"a quoi bon (?:continuer|vivre|me battre|rester|tout ca)",
    r"(?:personne|pas un chat) (?:ne )?(?:va |vas |irait |allait )?(?:s'ennuyer|s'ennuierait"
    r"|me regretter|remarquer|remarquerait|s'en rendre compte)",
    r"(?:si j'etais|si je suis|au cas ou je serais|quand je serai|si je serais) (?:mort|morte"
    r"|pu la|plus la|pas la|partie?|disparue?)",
    r"(?:tonight|today|ce soir|aujourd'hui) (?:is|c'est|sera|will be) (?:my|ma|mon) (?:last"
    r"|derniere?|dernier)",
    r"(?:serai(?:t|ent)|seront) (?:tellement |bien )?(?:plus heureux|plus heureuse|mieux|plus"
    r" simple|plus simples) (?:sans moi|si je)",
    r"(?:me|se|s'|m') ?coup\w* (?:encore |souvent |tous les jours )?(?:les |mes |ses )?"
    r"(?:bras|poignets|veines|cuisses|jambes)",
    r"(?:envie de|veux|vais|va|j'vais|jvais|pret a|prete a) sauter(?= ?(?:$|[.,!?;\n]))",
    r"(?:suis|chu|je suis) (?:sur|en haut) (?:le|du|d'un|un) (?:toit|pont|balcon|bord)",
    r"(?:sais pas|vois pas comment|pas sure?|pas certaine?|pas capable de) (?:si )?(?:je vais"
    r"|j'vais|jvais|je vas) (?:passer|survivre a|tenir|me rendre a) (?:la nuit|la soiree"
    r"|jusqu'a demain|demain)",
    r"(?:fait|faite|refait) une (?:autre |nouvelle )?tentative(?= ?(?:$|[.,!?;\n]|la semaine"
    r"|hier|ce matin|cette nuit|recemment|il y a|le mois|en \d|pis |et ))",
    r"(?:ecrit|ecris|ecrire|redige|laisse) (?:ma |mes |une |des |ma derniere )?lettres? d'adieu"
    r"|(?:message|mot) d'adieu",
    r"(?<!hausse des )(?<!article sur les )(?<!ont deja eu des )"
    r"(?:idees|pensees) (?:noires|suicidaires|de mort|de suicide)",
    r"mieux sans moi",
    r"(?:suis|etre) (?:un|une) (?:fardeau|poids) pour",
    r"mon dernier message|adieu (?:a tous|tout le monde|le monde|pour toujours)",
    r"(?:avaler|avale|prendre|pris|prends) (?:tous|toutes|toute) (?:mes|les|ma|la|ses|sa|leurs) "
    r"(?:medicaments|medocs|cachets|pilules|boite)",
    r"sauter (?:d'un|du|de la|par la|sous le|sous un|en bas d'un|en bas du) (?:pont|toit"
    r"|fenetre|falaise|immeuble|balcon|train|metro)",
    r"(?:jamais|plus|pu|pas) me reveiller",
    r"(?:pense|songe|reflechis) (?:a|au) (?:mourir|en finir|me tuer)",
    # English
    r"(?:kill|kil|killing|killed|hurt|hurting|harm|harming|cut|cutting|off|offing|end|ending"
    r"|shoot|hang|hanging|drown) (?:my ?self|myslef|mysef|meself|mself|him ?self|her ?self"
    r"|them ?selves|them ?self)",
    rf"(?<!don't )(?<!dont )(?<!do not ){_WANT_EN} (?:to |too |2 )?"
    r"(?:just |really |fucking |honestly )?(?:die|dye|be dead|not exist|not be alive"
    r"|not wake up|disappear(?! from| into (?:a|the|my)| in (?:a|the|my)))"
    r"(?! (?:laughing|of (?:laughter|embarrassment|cringe"
    r"|boredom)))",
    r"wish (?:i (?:was|were) (?:dead|never born)|i had never been born"
    r"|i (?:could|would) (?:just )?(?:die|disappear|sleep forever))",
    r"end (?:it all|my life|my own life|things tonight|it tonight|everything)",
    r"(?:take|taking|end|ending) my (?:own )?life",
    r"(?:no|zero|not a single|no more) reasons? (?:to|for) (?:live|living|go on|stay"
    r"|keep going|be here|stay alive)",
    r"nothing (?:left )?to live for",
    r"(?:don't|dont|do not|doesn't|doesnt|does not|won't|no longer|never|didn't|didnt)"
    r" (?:want|wanna|wish) (?:to |too |2 )?"
    r"(?:live|be alive|be here|exist|wake up)",
    r"(?:can't|cant|cannot|can not) (?:go on|do this anymore|take (?:it|this) anymore"
    r"|keep going|live like this|keep living)",
    r"better off dead|better (?:off )?without me",
    r"(?:i'm|im|i am|feel|feeling) (?:like )?(?:such )?(?:a )?burden",
    r"(?:done|finished) with (?:life|living|being alive|everything)",
    r"tired of (?:living|life|being alive|existing)",
    r"(?:goodbye|bye) (?:everyone|world|forever|cruel world)",
    r"my (?:last|final) (?:post|message|goodbye|words)",
    r"(?:take|taking|took|swallow|swallowed) (?:all|every one) (?:of )?(?:my|the) "
    r"(?:pills|meds|medication|tablets)",
    r"(?:overdose|od) on purpose",
    r"(?<!bungee )(?<!base )(?<!^go )(?<![.!?,\n] go )(?:jump|jumping) (?:off|from|in front of)"
    r" (?:a|the|this|that)"
    r" (?:bridge|roof|building"
    r"|cliff|train|car|truck|bus|subway|metro)",
    r"(?:thinking|thought|think|talking|talked|talks|talk) (?:about|of) (?:killing|ending it"
    r"|ending things|hurting|not being here|dying|suicide)(?! (?:puts|put|gives|give|with"
    r" (?:kids|teens|students|children|a teen|my (?:kids|students|son|daughter))|to (?:kids|teens"
    r"|students|children|a teen|my (?:kids|students|son|daughter))|in (?:schools|class)))",
    r"kms|unaliv\w*(?! (?:yourself|urself|your self|yourselves|toi|(?:my|mon|ma|the|this|that)"
    r" (?:controller|phone|laptop|computer|pc|plants?|tamagotchi|character|sims?|ordi|manette"
    r"|telephone|cell|router|printer|imprimante|wifi)(?!\w)))|sewer ?slide\w*",
    # 0.3.0: texting contractions ("jvais", "chu pu capable", "jme tue"), plans and means,
    # farewells and indirect ideation ("I won't be around much longer").
    rf"{_VAIS_FR} (?:me |m' ?)(?:tuer|tue|pendre|suicider|foutre en l'air|jeter (?:en bas|du"
    r"|sous|d'un|par)|noyer|tirer une balle)(?! a (?:l'ouvrage|la tache|travailler|la job))"
    rf"|{_VAIS_FR} (?:en finir|y mettre fin|mettre fin a (?:mes jours|ma vie|tout))(?! avec (?!"
    r"(?:la vie|ma vie|tout|moi)(?!\w)))",
    rf"{_VAIS_FR} (?:pas|plus|pu) (?:passer|survivre a|tenir) (?:la nuit|la soiree|jusqu'a"
    r" demain)",
    r"(?:je me|jme|j'me|je m'|jm') ?(?:tue|pends|suicide)(?= ?(?:$|[.,!?;\n]|ce soir|cette nuit"
    r"|demain|aujourd'hui|bientot|jte|je te|pour de vrai|pour vrai))",
    r"(?:veux|jveux|veut|voudrais|aimerais) (?:juste )?(?:etre|etre deja) (?:mort|morte|six pieds"
    r" sous terre)",
    rf"{_WANT_FR} (?:juste )?(?:partir|m'en aller|disparaitre) (?:pour vrai|pour de vrai"
    r"|d'ici pour de bon)",
    rf"{_WANT_FR} que (?:tout|ca|ma vie|la vie|la douleur) (?:s'arrete|finisse|se termine|arrete)"
    r",? pour (?:toujours|de bon)",
    r"(?:ca )?(?:sert|servirait) (?:plus |pu |pus )?a rien de (?:vivre|continuer|rester en vie)"
    r"|fini la vie|vivre (?:ne )?sert a rien",
    r"(?:aurez|auras|aura|auront|aurais) (?:plus|pu|pus) (?:a|besoin de) me (?:supporter|endurer"
    r"|gerer|voir|sauver)",
    r"(?:je |j' ?)?(?:serai|serais|s'rai|srai) (?:plus|pu|pus) (?:la|ici|en vie)(?! pour (?:le|la"
    r"|les|vous aider|t'aider)| a partir| jusqu| des | du \d| entre| la semaine| lundi| mardi"
    r"| mercredi| jeudi| vendredi| samedi| dimanche)" + _NOT_TRAVEL,
    r"(?:j'en|jen|j'en) (?:aurai|aurais|aura) (?:plus|pu|pus) besoin",
    r"(?:donne|donner|donnee?|donnes) (?:toutes |tous )?mes (?:affaires|choses|trucs|bijoux"
    r"|objets)(?! (?:a (?:la|une|un|l')|au|aux) (?:friperie|charite|organisme|refuge|comptoir"
    r"|bibliotheque|encan))",
    r"personne (?:ne )?(?:va|vas|peut|pourra|pourrait) me (?:retenir|arreter|sauver|en empecher)",
    r"(?:je vous|je te|jvous|j'vous|jte) dis adieu|dire adieu a (?:tous|tout le monde|vous"
    r"|la vie)|(?:au revoir|adieu) pour (?:toujours|de bon)",
    r"(?:ma|c'est ma|c'est la) derniere (?:nuit|soiree|journee)(?= ?(?:$|[.,!?;\n]|je suis|sur"
    r" terre|en vie|a vivre|ici bas))",
    r"(?:suis|chu|chui|jsuis|je suis) (?:sur|en haut d[eu]|au bord d[eu]) (?:le |la |un |une"
    r" |l')?(?:toit|pont|balcon|falaise|vide|quai|ravin)",
    r"(?:corde|noeud coulant) (?:est |sont )?(?:prete?|attachee?|installee?|accrochee?)"
    r"|noeud coulant",
    r"(?:me suis|m'suis|jme suis|je me suis|me chu) (?:re)?coupee?s?(?= ?(?:$|[.,!?;\n]|encore"
    r"|expres|ce soir|cette nuit|pour|a nouveau|de nouveau|hier|la nuit derniere))",
    r"(?:me suis|m'suis|jme suis|je me suis|me chu|je me|jme) brulee?s? (?:[^\W_]+ ){0,3}?"
    r"(?:expres|encore|volontairement|a la cigarette|avec (?:une|des|ma) (?:cigarette|briquet"
    r"|lighter)s?)",
    r"(?:pris|avale|avaler|gobe) (?:genre |environ |a peu pres |plus de )?[1-9]\d+ (?:cachets"
    r"|pilules|comprimes|medicaments|medocs|somniferes|tylenol|advil|ativan)",
    r"(?:prevois de|planifie de|compte|pense a|songe a|ai envie de) (?:faire|prendre) une"
    r" (?:overdose|surdose)",
    r"(?:won't|wont|will not|not gonna|not going to|ain't gonna) (?:be )?(?:here|around|alive)"
    r" (?:much |for much |very much |a lot |for )?(?:longer|anymore|tomorrow|next week|by)",
    r"(?:won't|wont|will not|not gonna) have to (?:deal with|put up with|worry about|see|hear"
    r" from) me (?:for )?(?:much longer|anymore|soon|after)",
    r"(?:don't|dont|do not) think i(?:'ll| will|ll) (?:still )?be (?:here|around|alive)"
    r" (?:next|tomorrow|by|much)",
    r"i(?:'ll| will|ll) be gone (?:by (?:morning|tomorrow|tonight|the morning|sunrise)|before"
    r" (?:morning|sunrise|tomorrow|you wake up)|soon|tomorrow|tonight)" + _NOT_TRAVEL,
    r"(?:not|never) (?:gonna|going to) make it (?:thru|through|past) (?:the night|tonight"
    r"|this night)",
    r"(?:won't|wont|will not|not gonna) (?:need|be needing) (?:them|it|these|those|my \w+)"
    r" (?:anymore|where i'm going|much longer)|(?:won't|wont) need (?:them|it|these|those)"
    r"(?= ?(?:$|[.,!?;\n]))",
    r"(?:giving|gave|give|given) (?:away )?(?:all )?my (?:stuff|things|belongings|possessions)"
    r"(?! (?:away )?to (?:charity|the shelter|goodwill|a shelter))" + _NOT_TRAVEL,
    r"(?:saying|say|said) (?:my )?goodbyes? to (?:all of )?(?:you|y'all|everyone|everybody)"
    r"(?! (?:at|from|before|in) )",
    r"no (?:point|reason) (?:in )?(?:living|going on|being alive|staying alive|waking up)",
    r"(?:better off|happier|fine) (?:if|when) i'?m (?:gone|dead|not here)",
    r"(?:tonight(?:'s| is)|today(?:'s| is)|this is) (?:the|my) last (?:night|day)(?= ?(?:$"
    r"|[.,!?;\n]"
    r"|i'm ready|im ready|alive|on earth))|my last (?:night|day) (?:alive|on earth)",
    # 0.3.0, second dev batch: plans, means, self-harm by other means, farewells.
    r"(?:(?:putting|put|getting|get) my affairs in order|(?:regle|regler|mets"
    r"|mettre) (?:en ordre )?"
    r"mes affaires (?:en ordre|pour que))" + _NOT_TRAVEL,
    r"(?:(?:jme|je me|me|m') ?(?:gratt|frapp|mord|griff)\w* (?:\S+ ){0,5}?|(?:scratch|hit|punch"
    r"|bang|pinch|bit|bite)\w* (?:my ?self |me |my (?:arms?|legs?|skin|wrists?|thighs?) |my head"
    r" against )(?:\S+ ){0,4}?)(?:until"
    r"|till|til|jusqu'au|jusqu'a) (?:it |they |i |ca |je |j' ?)?(?:bleed\w*|bled|bruise\w*|sang"
    r"|saigne\w*)",
    r"(?:telling|tell|tells|told) me to (?:end it|kill myself|die|hurt myself|jump)|me (?:disent"
    r"|dit|disait) de (?:me tuer|mourir|en finir|sauter|me faire mal)",
    r"c'est (?:la fin|fini) pour moi(?= ?(?:$|[.,!?;\n]))|ce soir c'est la fin",
    r"(?:sleep|dormir|m'endormir|endormir) (?:and|et|pis|puis) (?:not|never|pas|plus|pu|jamais)"
    r" (?:come back|wake up|me reveiller|revenir|reveiller)",
    r"(?:sorry|desolee?|pardon(?:nez-moi)?) (?:for|pour) (?:everything|tout)(?=.*(?:goodbye|bye"
    r"|adieu|love you|vous aime|je t'aime|take care|prenez soin))",
    r"(?:has|have|he's|she's|keeps?|been|kept) (?:been )?(?:talking|talks|talk) about (?:death"
    r"|dying|wanting to die)",
    r"want out of (?:this life|life|everything|this world)|i (?:just )?want out(?= ?(?:$"
    r"|[.,!?;\n]))"
    r"|sortir de (?:cette|la|ma) vie",
    r"combien de temps (?:je vais|jvais|j'vais|je peux|jpeux|j'peux) (?:encore )?tenir"
    r"|how (?:much )?longer i can keep (?:pretending|this up|faking)",
    r"(?:drank|drunk|bu|boire|bois) (?:[^\W_]+ ){0,5}?(?:and|et|pis|puis|\+) (?:took|pris|taken"
    r"|swallowed|avale) (?:[^\W_]+ ){0,3}?(?:pills|meds|somniferes|pilules|cachets|medicaments"
    r"|medocs|sleeping pills)",
    r"(?:somniferes|pilules|cachets|medocs|medicaments|pills|meds),? (?:toute la boite|toute la"
    r" bouteille|the whole (?:bottle|box))",
    r"(?:drive|crash|drove|steer|swerve|driving|crashing)\w* (?:my car |the car |it )?(?:into|in)"
    r" (?:a|the) (?:wall|tree|pole|truck|river|lake)(?! (?:yesterday|last|by accident))"
    r"|foncer (?:dans un (?:mur|arbre|poteau) )?avec (?:mon|ma) (?:char|auto|voiture|truck)",
    r"(?:doesn't|doesnt|does not|don't|dont) need me (?:anymore|around|here)|(?:le monde|personne)"
    r" (?:n')?a (?:pas|pu|plus) besoin de moi",
    r"(?:gun|fusil|arme|knife|couteau|blade|lame|rope|corde|pills|pilules)\b.{0,60}(?:use|using"
    r"|utiliser|l'utiliser) (?:it |la |le )?(?:on|sur|contre) (?:myself|moi)",
    rf"{_WANT_EN} (?:to )?stop (?:existing|living|being alive|breathing)|{_WANT_FR} (?:arreter"
    r"|cesser) (?:d'exister|de vivre|de respirer)",
    r"(?:i have|i've got|i got|j'ai|jai) (?:a |un )(?:plan|date) (?:and|et|pis|puis) (?:a |une )"
    r"(?:date|plan|time|heure)(?! (?:for|pour))",
    r"(?:me |se )?(?:lancer|jeter|garrocher|pitcher) (?:devant|sous) (?:un|le|une|la) (?:autobus"
    r"|bus|train|metro|char|camion|auto|voiture)",
    r"only (?:way out|solution|option) is (?:death|to die|dying|suicide|ending it)|seule (?:sortie"
    r"|issue|solution) (?:c'est|est) (?:la mort|de mourir|de partir|d'en finir)",
    r"pas que (?:je vais|jvais|j'vais|je serai) (?:etre )?encore (?:la|en vie|vivante?)",
    # 0.3.0, fourth dev batch
    r"(?:can't|cant|cannot|don't|dont) see myself (?:living|alive|being alive|being here|making it)"
    r" (?:past|beyond|until|much|to|through)|(?:me vois|m'vois|jme vois) (?:pas|plus|pu) (?:vivre"
    r"|en vie|etre en vie)",
    r"(?:demain|ce soir|cette nuit|bientot|c'est decide),? (?:je |j' ?)?(?:passe|vais passer"
    r"|passerai) a l'acte|(?:i'?ve|i have) decided\b.{0,40}(?:going to|gonna) do it"
    r"|(?:tonight|tomorrow),? (?:i'?m|im) (?:going to|gonna) do it(?= ?(?:$|[.!]))",
    r"(?:pills|meds|tablets|pilules|cachets|medocs"
    r"|medicaments) (?:[^\W_]+ ){0,2}?(?![^.!?\n]{0,80}(?:organi[sz]er|pilulier|week"
    r"|semaine|dosette|pill ?box))(?:lined up"
    r"|counted out|alignee?s|comptee?s)",
    r"(?:wrists?|poignets|veines) (?:qui )?(?:bleeding|bleed|saignent|saigne|en sang|covered in"
    r" blood)",
    r"(?:least painful|painless|easiest|quickest|fastest) way to (?:go|die|end it|kill myself"
    r"|do it)|(?:facon|maniere|moyen) (?:la |le )?(?:moins douloureuse?|plus rapide|plus facile"
    r"|sans douleur) (?:de |d')(?:partir|mourir|en finir|me tuer|le faire)",
    r"how many (?:pills|tylenol|advil|tablets|meds|sleeping pills)\b.{0,30}(?:to die|to not wake"
    r" up|to never wake up|lethal|to overdose|to od|to kill)|combien de (?:pilules|cachets"
    r"|comprimes|medocs|tylenol|somniferes)\b.{0,30}(?:mourir|pour (?:ne )?(?:pas|plus|pu) (?:me "
    r"|se )?reveiller|mortel|overdose|surdose)|lethal dose|dose (?:mortelle|letale)",
    r"(?:arreter|lacher|finir) tout pour de bon|tout (?:arreter|lacher|quitter) pour de bon"
    r"|(?:i'm|im|i am) out,?\.? for good(?= ?(?:$|[.!]))|j?'?decroche (?:pour de bon"
    r"|pour toujours)",
    r"(?:bonne nuit|good ?night) (?:pour toujours|forever|for good|for the last time|pour la"
    r" derniere fois)(?![^.!?\n]*(?:repose en paix|rest in peace|rip(?!\w)))",
    r"(?:fall|falling) asleep forever|(?:m'endormir|dormir) pour toujours",
    r"pretend\w* (?:that )?i (?:want|wanna) (?:to )?live|faire semblant (?:que )?(?:je veux"
    r"|de vouloir|jveux) vivre",
    # 0.3.0, third dev batch
    r"hop(?:e|ing) i (?:don't|dont|never|do not|won't|wont) wake up|(?:j'espere"
    r"|jespere) (?:juste )?(?:ne )?"
    r"(?:pu|plus|pas|jamais) me reveiller",
    r"garage (?:[^\W_]+ ){0,6}?(?:engine|motor|car) (?:still )?running"
    r"|garage (?:\S+ ){0,6}?(?:l'|le |la )?"
    r"(?:moteur|auto|char|voiture) (?:qui )?(?:tourne|roule|en marche)",
    r"(?:relapsed|relapse|relapsing|did|doing|urges? to) sh(?!\w)|(?<!\w)sh (?:again|tonight|rn"
    r"|urges?|encore)",
    r"(?:me suis|jme suis|je me suis|m'suis) (?:encore |re)?(?:fait|faite) (?:du )?mal(?= ?(?:$"
    r"|[.,!?;\n]|aux? (?:bras|poignets|cuisses|jambes)|expres|volontairement))",
    r"(?:i'?m|im|i am|gonna|going to) (?:making|make) (?:it|everything|the pain) (?:all )?stop"
    r"(?= ?(?:$|[.,!?;\n]|tonight|for good|forever|today|now))",
    r"(?:i'?m|im|i am) (?:just )?(?:a |such a )?waste of (?:space|air|oxygen|life)|(?:chu|je suis"
    r"|jsuis|chui) (?:juste )?un (?:poids|fardeau|dechet)(?= ?(?:$|[.,!?;\n]|pour))",
    r"(?:ce soir|cette nuit),? (?:j'arrete|jarrete|j'lache|je lache) tout|(?:j'arrete|jarrete)"
    r" tout (?:ce soir|cette nuit|pour de bon)",
    r"(?:goodbye|farewell|au revoir|adieu)\b.{0,60}(?:not answering|isn't answering|isnt answering"
    r"|won't answer|wont answer|not picking up|repond (?:pas|plus|pu)|decroche pas)",
    r"(?:want to|wanna|gonna|going to) jump (?:so bad|right now|rn|tonight)",
    r"(?:pense|songe|veux|jveux|envie de|jpense|decide de|decidee? a) (?:juste |serieusement )?"
    r"(?:a )?mettre fin a (?:tout|mes jours|ma vie)|mettre fin a tout (?:ca )?pour de bon",
    r"(?:wrote|written|writing|made|did|finished) my will(?=[^.!?\n]*?(?:i'?m ready|im ready"
    r"|goodbye|tonight)"
    r"|[^.!?\n]*?(?:last night|yesterday|today),? i'?m (?:ready|done))"
    r"|(?:fait|ecrit|redige) mon testament(?=.*(?:prete?|fini|ce soir|adieu|comprendre|bientot))",
    r"(?:m'|m' |me )enlever la vie|(?:veut|va|parle de|pense a|menace de|voulait) s' ?enlever"
    r" la vie",
    r"vou acabar com (?:tudo|a minha vida)|acabar com a (?:minha )?vida|voy a acabar con todo"
    r"|quitarme la vida|tirar (?:a )?minha (?:propria )?vida",
    r"(?:took|swallowed|taken|popped|take) (?:like |about |around |over |maybe )?[1-9]\d+"
    r" (?:pills|tylenol|advil|tablets|meds|sleeping pills|painkillers|ibuprofen|xanax)",
    r"(?:slit|slitting|slice|slicing) (?:my |her |his )?(?:wrists?|throat)",
    r"(?:tied|tying|tie) (?:the|a) (?:rope|noose)|(?:rope|noose) (?:is )?(?:tied|ready|up)"
    r"|(?:the|a|my) noose",
    r"(?:on|at the edge of) (?:the|a|top of the) (?:bridge|roof|ledge|overpass) (?:right now"
    r"|rn|now)",
    r"(?:burn|burned|burnt|burning) (?:my ?self|her ?self|him ?self)(?! (?:on|cooking|while"
    r"|with the (?:iron|oven|pan|stove|kettle)|making|baking))",
    # 0.4.0: means and plans said without a telling word. Each needs a cue of intent (first
    # person, "tonight", "enough", "asking for me", a farewell, a relapse); the bare means
    # (pills, a bridge, a rope, a knife) are left to _crisis_means below.
    r"(?:je )?(?:compte|recompte|counting|count|counted|recount\w*)"
    r" (?:mes |les |my |the |all my )?"
    rf"{_PILLS}(?![^.!?\n]{{0,80}}(?:pilulier|organi[sz]er|pill ?box|semaine|week|dosette"
    r"|pharmac))",
    rf"(?:stockpil\w*|hoard\w*|saving up|saved up|stash\w*|collecting|accumul\w*|amass\w*)"
    rf" (?:all )?(?:de |des |mes |my |the |her |his |ses |toutes mes |tous mes )?{_PILLS}",
    rf"(?:mis|mets|met|garde|gardais|gardee?|mettre|garder) (?:toutes |tous )?(?:mes|ses|les)"
    rf" {_PILLS} de cote|(?:mis|mets|met|garde|gardais|mettre|garder) de cote (?:toutes |tous )?"
    rf"(?:mes|ses|les|des) {_PILLS}",
    rf"how many (?:of )?(?:my |the |your |these )?{_PILLS}\b.{{0,40}}(?:to die|to not wake"
    r"|to never wake|would it take|does it take|lethal|to (?:od|overdose)|to kill|to be enough"
    r"|enough to)|combien de (?:mes |ces |tes )?" + _PILLS + r"\b.{0,40}(?:mourir|pour (?:ne )?"
    r"(?:pas|plus|pu) (?:me |se )?reveiller|mortel\w*|overdose|surdose|pour en finir"
    r"|suffi\w*)",
    r"(?:painful|painless|hurt|quick|fast|peaceful) to (?:od|overdose|die|drown|hang|bleed out)"
    r"|(?:ca fait|est-ce que ca fait|est ce que ca fait) mal (?:de |d')(?:mourir|se pendre|se"
    r" noyer|faire une (?:overdose|surdose)|sauter)",
    r"(?:od|overdose|surdose)\w* (?:on|sur|with|avec|a l'|au) (?:insulin\w*|insuline|\w+)"
    r"(?=[^\n]*(?:asking for (?:me|myself)|for me\?|pour moi\b|tonight|ce soir|enough|assez"
    r"|suffi))",
    r"how (?:high|tall|far down|far)\b.{0,40}(?:need to be|has to be|needs to be|to be fatal"
    r"|to die|to not survive|to be lethal|to kill|is fatal|is lethal|enough to)"
    r"(?! for (?:boats|ships|trucks|traffic|clearance|the (?:boats|ships|trucks)))"
    r"|(?:quelle|de quelle|a partir de quelle) hauteur\b.{0,40}(?:mourir|mortel\w*|pas survivre"
    r"|en finir|se tuer|me tuer|suffi\w*)|combien d'etages\b.{0,40}(?:mourir|mortel\w*|suffi\w*"
    r"|survivre|en finir)",
    r"(?:sauter|jump|jumping|me jeter|me lancer) (?:du|de mon|d'un|from the|off the|from my|off my"
    r"|par la fenetre du) \d+(?:e|eme|ieme|th|rd|nd|st)(?: etage| floor)?(?= ?(?:$|[.,!?;\n]|c'est"
    r"| ce soir| tonight| it's| je| i ))",
    r"(?:think\w*|thought|dream\w*|fantasi\w*|imagin\w*|urges? to|want to|wanna|gonna|going to"
    r"|tempted to|could just|might just) (?:about |of )?(?:step\w*|walk\w*|throw\w* myself|jump\w*"
    r"|lie|lying|lay\w*) (?:down )?(?:in front of|under|onto|on) (?:a|an|the) (?:train|bus|truck"
    r"|car|subway|metro|tram|tracks|traffic|rails)",
    r"(?:me coucher|m'allonger|m'etendre|me jeter|me lancer) sur (?:les rails|la voie ferree"
    r"|la track|les voies)",
    r"(?:hose|tuyau|boyau)\b.{0,40}(?:exhaust|echappement)|(?:exhaust|echappement)\b.{0,40}"
    r"(?:hose|tuyau|boyau|window|fenetre|vitre)",
    r"(?:the |a |le |un |my |mon |ma |la )?(?:knife|gun|blade|razor|couteau|lame|rasoir|fusil"
    r"|pistolet|arme|corde|rope)s? (?:est |is )?(?:dans|in) (?:my|ma|la|mes|the) (?:hand|hands"
    r"|main|mains)(?![^\n]*(?:onion|oignon|cook|cuisin|recette|recipe|legume|vegetable|chop"
    r"|coupe (?:les|des)|cutting (?:the|some)))",
    r"(?:relapsed|relapse|relapsing|rechute|replonge|recommence\w*|started again|back at it)"
    r"\W+(?:\w+\W+){0,6}?(?:la lame|the blade|blades?|razor|rasoir|me couper|cutting|cut (?:deep"
    r"|deeper|again|myself|my)|lames?|me scarifier|me bruler|burning myself|self[- ]?harm\w*"
    r"|sh(?!\w))",
    r"(?:la lame|the blade|le rasoir|the razor),? (?:encore|again|une fois de plus)",
    r"(?:recommence|repris|reprendre|recommencer|rechute) (?:a |de )?me (?:couper|scarifier"
    r"|faire du mal|bruler|mutiler)|(?:started|start|starting|back to) (?:cutting|self[- ]?harming"
    r"|hurting myself|burning myself) again|cut (?:deeper|deep) (?:than|again|tonight|this time)",
    r"(?:carv\w*|carving|slic\w*) (?:into )?(?:my|mes|ma) (?:thighs?|arms?|wrists?|skin|legs?"
    r"|stomach|cuisses?|bras|poignets?|peau)",
    rf"(?:tell|tel|dites|dis|say|dire) (?:a )?{_KIN} (?:that )?(?:que )?(?:i'?m|im|i am|je suis"
    r"|j'suis|chu) (?:so |tellement |vraiment )?(?:sorry|desolee?)(?! (?:for|pour|d'avoir|about"
    r"|que) (?!(?:everything|tout)))|(?:tell|dites|dis|dire) (?:a )?" + _KIN + r" (?:que )?"
    r"(?:i love (?:her|him|them)|je l'aime|je les aime)(?= ?(?:$|[.,!;\n]))",
    rf"(?:wrote|written|writing|left|leaving|ecrit|redige|laisse|ecrire)\w* (?:a |une |des |mes"
    rf" |my |the |some |last )?(?:letters?|lettres?|notes?|mots?) (?:to|for|pour|a) {_KIN}"
    r"(?![^\n]*(?:birthday|anniversaire|fete des|mother's day|father's day|christmas|noel|card"
    r"|carte|valentin|wedding|mariage|thank|remerci|graduation|camp|school|ecole|future self))",
    r"(?:posted|texted|sent|wrote|left|publie|envoye|ecrit|laisse|texte)\w* (?:me |moi |us |nous"
    r" )?(?:a |un |une )?(?:goodbye|farewell|adieu|d'adieu|message d'adieu|video d'adieu)"
    r"(?![^\n]*(?:retir|channel|chaine|career|carriere|job|team|equipe|stream|season|saison"
    r"|show|emission))" + _NOT_TRAVEL,
    r"(?:voulais|veux|want|wanted|wanna|just) (?:juste |just )?(?:to )?(?:dire|say) (?:au revoir"
    r"|adieu|goodbye|bye) (?:a|to) (?:la communaute|tout le monde|tous|everyone|the community"
    r"|you all|y'all|vous|everybody)(?![^\n]*(?:quitte|poste|job|retraite|retir|demenag|move"
    r"|nouveau|new|leaving the|moderat|benevol|volunteer|stage|intern))" + _NOT_TRAVEL,
    r"(?:merci pour tout|thank you for everything|thanks for everything|je vous aime|love you all"
    r"|je t'aime)\W+(?:\S+ ){0,12}?(?:repond (?:pas|plus|pu)|not answering|isn't answering"
    r"|phone is off|telephone (?:est )?(?:ferme|eteint)|won't answer|wont answer|injoignable"
    r"|can't reach|cant reach)",
    r"(?:if|si) (?:i'?m|im|i am|je suis|j'suis|chu|jsuis|je ne suis|i'm) (?:not |pas |pu |plus )"
    r"(?:online|here|around|connectee?|la|ici)\b.{0,30}(?:you(?:'ll| will)? know why|vous saurez"
    r" pourquoi|tu sauras pourquoi|you'll understand|vous comprendrez|tu comprendras)",
    r"(?:(?:last|final) (?:night|day|sunset|sunrise|morning|evening) (?:on earth|alive|of my"
    r" life)|(?:derniere|dernier) (?:nuit|jour|soir|coucher de soleil|matin) (?:sur terre|en vie"
    r"|de ma vie))(?! de )(?! as )(?![^\n]*(?:green day|song|chanson|album|movie|film|serie"
    r"|celibat|bachelor|single))",
    r"(?:made|making|make) (?:my )?peace with (?:it|everything|dying|death|leaving)(?=[^\n]*"
    r"(?:tonight|ready|soon|goodbye|today|now))|(?:fait|faire) la paix avec (?:ca|tout|la mort"
    r"|l'idee)(?=[^\n]*(?:ce soir|prete?|bientot|adieu|cette nuit))",
    r"ctb(?= ?(?:$|[.,!;\n]|tonight|today|soon|tomorrow|ce soir|sorry))",
    r"(?:i|i'll|ill|i'm|im) (?:won't|wont|will not|not going to|not gonna|am not going to) be"
    r" (?:a |your |anyone's |a )?(?:problem|burden|bother|worry)(?: (?:for|to) (?:you|anyone"
    r"|anybody|y'all|everyone))? (?:for )?(?:much |very much )?(?:longer|anymore|soon)"
    r"|(?:serai|serais|vais etre) (?:plus|pu|pus|bientot plus) (?:un |une |votre |ton |le )?"
    r"(?:probleme|fardeau|poids|souci)(?: pour (?:personne|vous|toi|longtemps|qui que ce soit))?",
    r"(?:suis|sens|chu|chui|jsuis|me sens) de trop (?:sur (?:cette |la )?terre|dans ce monde"
    r"|ici-bas|ici bas|dans cette vie)|(?:don't|dont|do not) belong (?:on this earth"
    r"|in this world)",
    r"(?:vais|va|vas|jvais|j'vais|peur de|envie de) faire une (?:grosse )?(?:connerie|betise)"
    r"(?= ?(?:$|[.,!?;\n]|ce soir|cette nuit|aidez|help))",
    r"(?:vais|veux|jvais|j'vais|want to|going to|gonna|wanna) (?:aller )?(?:rejoindre|retrouver"
    rf"|join|be with) {_KIN}(?= [^\n]*(?:au ciel|in heaven|la-haut|la haut|up there|de l'autre cote"
    r"|on the other side)|[^\n]*(?:ce soir|cette nuit|tonight)[^\n]*(?:manque|miss))",
    r"(?:veux|voudrais|jveux|want|wish|need) (?:juste )?(?:que |for )?(?:tout|it|everything|ca"
    r"|the pain|la douleur|it all) (?:to )?(?:s'eteigne|s'eteindre|go dark|stop permanently"
    r"|end permanently|stop for good|s'arrete definitivement|arrete definitivement)",
    r"(?:want|wanted|need|wish) (?:it|everything|it all|the pain) to stop (?:permanently|forever"
    r"|for good)",
    r"(?:don't|dont|do not|can't|cant|no longer) see (?:the|a|any) point (?:of (?:waking up"
    r"|anything|going on|being here|it all|life|living|existing|tomorrow)|(?:anymore|any ?more)"
    r"(?= ?(?:$|[.,!?;\n]|tbh|honestly|rn)))",
    r"(?:bought|got|buy|purchased|ordered|achete|commande)\w* (?:a|the|some|une|la|de la|my)"
    r" (?:rope|noose|corde)(?![^\n]*(?:jump|skip|climb|escalade|sauter|bateau|boat|hamac"
    r"|hammock|swing|balancoire|chien|dog|gym|crossfit|tente|tent|camping|linge|clothes|laundry"
    r"|bricol|project|projet|garden|jardin|voile|sail))",
    r"(?:been |started |start )?cutting (?:myself )?again|cut myself again",
    r"(?:veux|veu|jveux|veut) (?:plus|pu|pus) (?:etre|etre encore) (?:en vie|vivante?)"
    r"|(?:g|j'ai|jai|ai) (?:plus|plu|pu|pus) (?:envie|envi|le gout) (?:de |d')(?:vivre|etre la"
    r"|exister)",
    r"threaten\w* to (?:jump|kill (?:her|him|them|my)self|hurt (?:her|him|them|my)self|cut"
    r"|end it|overdose|hang)",
    r"si je (?:m'endors|dors|m'endormais) (?:et|pis) (?:que )?(?:je )?(?:ne )?me reveille"
    r" (?:pas|plus|pu|jamais)(?! a temps| a l'heure| avant| pour| en retard)",
    r"(?<!failli )(?<!presque )foncer (?:dans|contre) (?:un|le|une) (?:mur|arbre|poteau|pilier"
    r"|camion)",
    r"stop (?:taking up|wasting) (?:space|oxygen|air)|arreter de (?:prendre de la place"
    r"|gaspiller (?:de )?l'oxygene)",
    r"(?:plus|pu|pus) (?:envie|le gout|la force) (?:d'etre|de rester) (?:la|ici|en vie|vivante?"
    r"|sur terre)(?= ?(?:$|[.,!?;\n]|tout court|du tout|pantoute|demain))",
    r"(?:planning|plan|planned|planifie|prepare) (?:my|mon|ma) (?:exit|sortie|depart|death|mort"
    r"|suicide)(?! (?:strategy|interview|from (?:the|this) (?:company|job|team)))",
    r"(?:j'ai|jai|i'?ve|i have|i) (?:choisi|fixe|picked|chosen|chose|set) (?:la|une|the|a)"
    r" (?:date|day|jour)(?=[^\n]*(?:personne|nobody|no one|remarquer|notice|adieu|goodbye"
    r"|ready|prete?|fini|over))",
    r"(?:je sais|i know|ik) (?:ce que|what|how|comment) (?:je vais|i'?m (?:going to|gonna)"
    r"|jvais|j'vais|im gonna|i'll|i will) (?:faire|do|le faire|do it)(?=[^\n]*(?:corde|rope"
    r"|pills|pilules|medocs|cachets|asleep|dorment|ce soir|tonight|pont|bridge|knife|couteau))",
    r"(?:bghit|baghi|bagha|ghadi|ghan|bghit) (?:n?mout|nmot|nmut|n9tel rasi|nqtel rasi)"
    r"|ma (?:b(?:q|9|gh)it(?:ch|sh)?|bghit(?:ch|sh)) (?:bghit |baghi )?n3i(?:ch|sh)"
    r"|n9tel rasi|nqtel rasi|بغيت نموت|نقتل راسي|بغيتش نعيش|اريد ان اموت|بدي موت",
    # A few words in the languages the project's audience also writes in.
    r"(?:me )?quiero (?:morir(?:me)?|matarme|suicidarme)|(?:ya )?no quiero (?:seguir )?vivir"
    r"|me voy a matar|quero (?:morrer|me matar)|vou me matar|nao quero (?:mais )?viver"
    r"|ich will (?:nicht mehr leben|sterben|mich umbringen)|ich bringe mich um"
    r"(?! (?:den|das|meinen|meine|mein|seinen|seine|ihren|ihre)(?!\w)| die (?!ecke))"
    r"|voglio (?:morire|uccidermi)|mi voglio uccidere|non voglio (?:piu )?vivere",
    # 0.5.0: third parties and more languages (Spanish, Portuguese, Italian, German, Haitian
    # Creole, Darija, Tagalog), the way heldout5 wrote them.
    r"(?:me|se) (?:voy|va|van) a (?:matar|suicidar|colgar|quitar la vida)|matarme|suicidarme"
    r"|colgarme|quitarme la vida|(?:vou|vai|vao) (?:me |se )?(?:matar|suicidar|enforcar)"
    r"|(?:me|se) (?:matar|suicidar|enforcar)(?= ?(?:$|[.,!?;\n]|hoje|agora|amanha))"
    r"|tirar a (?:minha )?(?:propria )?vida|(?:la )?faccio finita"
    r"(?! con (?!tutto|la (?:mia )?vita|me stess))|farla finita"
    r"(?! con (?!tutto|la (?:mia )?vita|me stess))|ammazzarmi"
    r"|suicidarmi|togliermi la vita|mich (?:umbringen|toten)|nicht mehr leben (?:will|mochte)"
    r"|(?:m|mwen) (?:vle|pral|ap) (?:mouri|touye tet (?:mwen|m))|touye tet (?:mwen|m)"
    r"|m ap fini ak (?:sa|lavi)|nsali (?:kolchi|m3a rasi|hyati|7yati)|gusto ko (?:nang )?mamatay"
    r"|magpapakamatay|no quiero seguir viviendo|(?:m|mwen) pa vle viv",
    # 0.7.0 (heldout7 and heldout8): Arabic, Portuguese, Wolof, Lingala; emoji only
    # (folded, as the text is read: "أ" loses its hamza)
    r"انهي حياتي|اقتل نفسي|ابغى اموت|اريد الموت"
    r"|(?:ele|ela|amig[oa]|filh[oa]|irma|irmao|namorad[oa]|marido|esposa|mae|pai)[^.!?\n]{0,40}"
    r"(?:dizendo|disse|mandou) adeus[^.!?\n]{0,40}(?:desligou|nao atende|sumiu)|begg naa dee"
    r"|(?:na)?lingi kokufa(?! te| na)|nakokufa(?! na)",
    # pills or a blade in emoji, alone or with a time or a farewell (not a blood test, a
    # period or a kitchen: "prise de sang ce matin 😢🩸")
    r"^\W*(?:[😞😢😭💔😔🖤]\W{0,3})?(?:💊{3,}|💊+ ?(?:🪦|⚰️|⚰)|(?:🔪|🩸){1,3})\W*$"
    r"|(?:^|(?<=\s))(?:(?:[😞😢😭💔😔🖤]\W{0,3})?(?:💊{3,}|💊+ ?(?:🪦|⚰️|⚰))"
    r"|[😞😢😭💔😔🖤]\W{0,3}(?:🔪|🩸){1,3})(?=[^\n]{0,30}(?:ce soir|cette nuit|tonight|adieu"
    r"|goodbye|bye|desolee?|sorry|pardon|🖤|🪦|⚰))(?![^\n]{0,60}(?:regles|period|menstru"
    r"|saignement de nez|nosebleed|prise de sang|blood test|donat|don du sang|cuisin|oignon"
    r"|onion|chef knife|couteau de chef|pharmac|vitamin|stock|rappel|reminder))",
    # 0.6.0: self-harm in Spanish and Portuguese, Dutch wishes (heldout6)
    r"cortarme(?! (?:el|los|las|un|una) (?:pelo|cabello|flequillo|unas|puntas))"
    r"|me (?:estoy|sigo) cortando|cortando(?:me|se)(?! (?:el|los|las) (?:pelo|cabello|unas))"
    r"|me (?:corto|corte|volvi a cortar) (?:otra vez|de nuevo|los brazos|las piernas)"
    r"|(?:me )?cortar(?:me)? (?:de novo|outra vez)|(?:to|estou) me cortando"
    r"|wil(?:t|den)? niet meer (?:leven|verder)|zelfmoord (?:plegen|doen)|mezelf (?:van het"
    r" leven beroven|iets aandoen|doden|ophangen)|wil dood(?! van)",
    # "does it hurt if you take all of them at once", "peaceful once you pick a date"
    r"(?:hurt|painful|kill|die|lethal|fatal|enough)[^.!?\n]{0,30}(?:take|taking|took|swallow\w*)"
    r" all (?:of )?(?:them|these|those|my pills|my meds) at once",
    r"(?:peaceful|at peace)(?!\w)[^.!?\n]{0,30}(?:once|since|now that|after) (?:you|i|i've|ive"
    r"|u) (?:pick|picked|choose|chose|set) (?:a|the) date",
    # 0.6.0, from the crisis texts of heldout5 and heldout6 the rules alone missed (the model
    # found most of them, at a threshold that also flagged a third of its alerts wrongly)
    r"how many (?:of (?:my|these|those|the|her|his|their) [\w-]+|(?:pills|tablets|meds|pilules"
    r"|cachets|comprimes|sleeping pills|tylenol|advil|paracetamol|doliprane)) (?:would|does|will"
    r"|do) it take(?! (?:to (?:see|feel|notice|work|kick in|get|help)|for|before))|what dose"
    r" would (?:do it|kill (?:me|a person|someone|him|her))|(?:enough|assez) (?:to (?:die(?! for)"
    r"|do it|not wake up)|pour (?:mourir(?! de)|en finir))",
    r"(?:pour|qu'on|que je|qui fait qu'on) (?:ne )?(?:se |me )?(?:plus|pu|pas) (?:se |me )?"
    r"reveille\w*(?! (?:la nuit|a \d|pendant|chaque|toutes? les|si tot|trop tot|avant|en pleine"
    r"|au milieu|avec bebe))|(?:to|and) (?:not|never) wake (?:back )?up(?! (?:at \d|during|in the"
    r" middle|every|so early|early|before|with|at night))",
    # a place to jump from, said with a cue that this is no outing
    r"(?:standing|sitting|been|i'm|im|i am|je suis|chu|jsuis|suis) (?:on|sur|au bord d[eu]"
    r"|en haut d[eu]) (?:the |a |this |le |la |un |une )?(?:edge of (?:the |a )?)?(?:bridge|ledge"
    r"|roof|rooftop|overpass|cliffs?|pont|toit|falaise|viaduc)(?=[^\n]{0,80}?(?:idk why|je sais pas"
    r" pourquoi|just wanted someone|talk to me|parle[rz]?[- ]moi|can'?t stop thinking|pense a"
    r" sauter|jump|sauter|for an hour|depuis une heure|goodbye|adieu|right now|rn(?!\w)|en ce"
    r" moment))",
    r"(?:which|what|quel) (?:bridge|building|pont|immeuble|edifice)\w* (?:[\w']+ ){0,4}?(?:is|est)"
    r" (?:the |le )?(?:highest|tallest|plus haut)(?=[^\n]{0,40}?(?:asking (?:seriously|for real)"
    r"|serious question|not a joke|je demande (?:serieusement|pour vrai)))",
    r"(?:not|pas|pu) (?:safe|en securite) (?:with|around|from) myself|(?:not|pas|pu) en securite"
    r" avec moi(?:-?meme)?|(?:i'?m|im|i am|je suis|chu|jsuis) (?:not|pas|pu) (?:safe|en"
    r" securite) (?:rn|right now|tonight|ce soir|a soir)(?![^.!?\n]{0,40}(?:quartier|neighbou?rhood"
    r"|at work|au travail|rue|street))",
    r"(?:i have|i've got|ive got|i got|j'ai) (?:a |un )?plan (?:and|et) (?:the|les) (?:means"
    r"|moyens)(?= ?(?:$|[.,!;\n]|and |et ))",
    r"(?:i|je) (?:just )?cut (?:myself )?(?:again|deeper|too deep)(?! into)|cut myself (?:again"
    r"|deeper|too deep)|(?:^|(?<=[.!?\n] ))cut (?:again|deeper) (?:tonight|today|last night|ce"
    r" soir)(?![^.!?\n]{0,40}(?:hair|cheveux|bangs|frange|nails|ongles|lawn|grass|pelouse))"
    r"|(?:me suis|me) recoup\w*(?![^.!?\n]{0,60}(?:cheveux|doigt|cuisin|frange|ongles|tomate"
    r"|legume|couteau|tranch|papier|oignon|pain))"
    r"|(?:craque|recraque|rechute) (?:avec|sur) (?:la|une|ma) lame|(?:chui|je suis|jsuis|suis)"
    r" en train de me faire (?:du )?mal|(?<![🔪🩸])(?:🔪|🩸)++ ?(?:again|encore|tonight|ce soir)"
    r"(?![^\n]{0,60}(?:regles|period|menstru|saignement de nez|nosebleed))",
    r"(?:stopped|quit|arrete) (?:taking )?(?:my|mes|mon) (?:meds|medication|insulin|insuline"
    r"|medicaments|medocs|antidepresseurs|antidepressants|traitement) (?:\w+ )?(?:on purpose"
    r"(?! (?:because|cause|due|since|as|to|with|for|so that my))|pour que (?:ca|tout) (?:finisse"
    r"|aille plus vite|s'arrete)|pour (?:mourir|en finir))",
    r"(?:un |une |a |such a )?(?:fardeau|burden) comme moi|better off if i (?:wasn'?t|weren'?t"
    r"|was not|were not|am not|wasnt) (?:here|around|alive)",
    r"(?:je veux|jveux|j'veux|i want|i just want) (?:juste |just )?(?:que (?:ca|tout)"
    r" (?:finisse|s'arrete|se termine)|(?:it|everything|it all) to (?:end|be over)) (?:pour de"
    r" bon|pour toujours|for good|forever)(?![^.!?\n]{0,60}(?:renovation|chantier|travaux|grippe"
    r"|flu|covid|rhume|cold|surgery|chirurgie|hiver|winter|semaine|week|exam|pregnan|grossesse"
    r"|construction|move|demenag|contrat|contract|job|projet|project))",
    r"(?:i'?m|im|i am|gonna|going to) end(?:ing)? it (?:all )?(?:this weekend|tonight|tomorrow"
    r"|for good)",
    r"(?:saute|sauter|je saute|jump|jumping) (?:du|d'un|de la|from the|off the) \d+ ?(?:e|eme|th"
    r"|rd|nd) (?:etage|floor)",
)
# Topic words: crisis unless the occurrence sits inside an informational phrase.
CRISIS_TOPIC: tuple[str, ...] = (_CRISIS_TOPIC_WORD,)
# "Campagne de prévention du suicide", "Suicide Squad": the word is about the subject, not
# the writer. The gap words may not be first-person, so "prévention ... je pense au
# suicide" is not swallowed.
_GAP = r"(?:(?!(?:je|j|me|moi|i|my|myself|mon|ma|mes)(?!\w))[^\W_]+ ){0,3}?"
# 0.7.0: up to eight words, none of them first person, across quotes and commas (not across
# a sentence end): "l'article du Monde sur les 9 000 suicides", "la série … le perso se suicide"
# Each word is taken whole (possessive) after at least one separator: a word that could be
# cut anywhere made the gap exponential in its length (a review timed 83 s on 99 characters).
_GAP_WIDE = (
    r"(?:[^\w.!?\n]+(?!(?:je|j|me|moi|m|i|my|myself|mon|ma|mes|im|ive|jsuis|chu|chui|jpense"
    r"|jveux|she|he|elle|il|y|they|ils|elles|et|and|pis|mais|but|or|ou)(?!\w))[^\W_]++"
    r"(?:'[^\W_]+)?){0,8}?[^\w.!?\n]+"
)
# The subject, not a state: "le perso qui se suicide", "la crise suicidaire"; never a bare
# "suicidal" or "suicidaire", which is how people say they are (0.7.0 review)
_TOPIC_NOUN = (
    r"(?:suicides?|suicidio|suicidios|suicidi|suicidar|se suicide|se suicider|(?:crise|risque"
    r"|idees|pensees|comportements?|conduites?) suicidaires?|self[- ]?harm(?:ing)?|automutilations?"
    r"|auto-mutilations?|scarifications?)(?!\w)"
)
CRISIS_INFORMATIONAL: tuple[str, ...] = (
    rf"(?:prevention|prevenir|sensibilisation|sensibiliser|awareness|lutte contre|taux|stigma"
    rf"|stigmate|tabou|taboo"
    rf"|statistiques?|statistics|stats|chiffres|numbers|data|donnees|recherche sur|research on"
    rf"|chanson|song|album|titre|track) {_GAP}{_CRISIS_TOPIC_WORD}",
    rf"{_CRISIS_TOPIC_WORD} (?:intervention|first aid|hotline|helpline|risk assessment"
    rf"|prevention|awareness|squad|bomb\w*|rates?|statistics"
    r"|mission|doors?|research|scenes?|storyline|plot|themes?|trigger warning|content warning"
    r"|squad(?:'s)?)",
    # 0.7.0 (heldout7 and heldout8): fiction, news and numbers, trainings and the signs to
    # spot, campaigns, how to talk about it, a death that was not one
    rf"(?:serie|film|movie|episode|perso|personnage|character|netflix|saison|season|roman"
    rf"|novel|tele|telly|tv)(?!\w){_GAP_WIDE}{_TOPIC_NOUN}|{_TOPIC_NOUN}"
    rf"{_GAP_WIDE}(?:serie|film|movie|episode|netflix|saison|season)(?!\w)",
    r"\d[\d ,.]* suicides?(?!\w)(?! (?:attempts?|tentatives?))|suicides? (?:stats|statistics"
    rf"|numbers|figures|chiffres)|(?:article|story|reportage|report|study|etude|news|nouvelles"
    rf"|stat|stats)(?!\w){_GAP_WIDE}{_TOPIC_NOUN}|{_TOPIC_NOUN}{_GAP_WIDE}(?:d'apres"
    r"|according to|selon l)",
    rf"(?:formations?|trainings?|ateliers?|talleres|workshops?|webinaires?|webinars?|cours"
    rf"|courses?|campagne|campaign)(?!\w){_GAP_WIDE}{_TOPIC_NOUN}|(?:reperer|detect\w*"
    rf"|spot|spotting|recogni[sz]e|reconnaitre|identificar|identifier)(?!\w){_GAP_WIDE}"
    rf"{_TOPIC_NOUN}",
    rf"(?:comment|how to|how do (?:i|we|you)|how can (?:i|we)) (?:parler|talk|aborder|discuss"
    rf"|bring up) (?:de |du |d'|about |of )?(?:le |la |the )?{_CRISIS_TOPIC_WORD}",
    # a death that was not one ("heart attack, not suicide"); "not suicidal" is not masked
    r"(?:heart attack|crise cardiaque|accident|cancer|infarctus|avc|stroke|natural causes"
    r"|causes naturelles)[^.!?\n]{0,30}(?:not|pas|wasn'?t|n'etait pas|ce n'est pas) (?:a |un"
    r" |de )?suicide(?!\w)",
    r"(?:talking|talk|parler) (?:about|of|de|du) suicide (?:puts|put|gives|give|donne|met)"
    r" (?:the |an? |des |l')?(?:idea|ideas|idee|idees)",
    # talking about it: "merci de parler de santé mentale et de suicide sans tabou"
    rf"(?:merci|thanks?|thank you|bravo|important|so needed) (?:de |d'|pour |for )?(?:parler"
    rf"|aborder|talking|discussing|addressing|raising|covering|sharing|speaking) "
    rf"{_GAP}{_GAP}{_CRISIS_TOPIC_WORD}",
    # bereavement: someone already lost
    rf"(?:perdu|perte|deuil|endeuill\w*|lost|losing|loss|died|mort|morte|morts|decede\w*"
    rf"|passed away|survivors?|survivants?|perdi|perdio|perdeu|(?:ho|hai|abbiamo) perso)"
    rf" (?:[^\W_]+ ){{0,4}}?(?:par"
    rf"|to|au|a cause du|by|from|of|para o|para a|para el|por|per|ao|al) "
    rf"{_CRISIS_TOPIC_WORD}",
    rf"(?:s'est|se sont|committed|commit) {_CRISIS_TOPIC_WORD}",
    rf"(?:documentaire|reportage|article|emission|film|podcast|documentary|report|episode|livre"
    rf"|book|conference|talk|etude|study|formation|training|capsule|video|course|cours|scene"
    rf"|scenes) (?:sur|about|on|de|du|of|cover\w*) {_GAP}"
    rf"{_CRISIS_TOPIC_WORD}",
    rf"{_CRISIS_TOPIC_WORD} (?:chez|among|in) (?:les )?(?:jeunes|hommes|femmes|ados|youth|teens"
    r"|men|women|veterans|farmers|agriculteurs|aines|seniors)",
    rf"{_CRISIS_TOPIC_WORD} assiste|assisted {_CRISIS_TOPIC_WORD}",
    # 0.5.0: "what are the warning signs someone might be suicidal", "les signes qu'une
    # personne pense au suicide": asking how to recognise it in others
    rf"(?:signs?|signes|symptoms?|symptomes)[\w' ]{{0,30}}?(?<!\w)(?:someone|somebody"
    rf"|a person|une personne|quelqu'un|qqn|a friend|un ami|une amie|a (?:teen|teenager"
    rf"|student|child|kid|loved one|coworker|colleague)|un (?:ado|enfant|jeune|proche|collegue)"
    rf"|une (?:ado|jeune|proche|collegue)|people|les gens|kids|students|teens|youth|les jeunes"
    rf"|employees|employes|he|she|they|il|elle) (?:[\w']+ ){{0,3}}?{_CRISIS_TOPIC_WORD}",
    # "suicide-toi" is harassment, not the writer's crisis
    rf"{_CRISIS_TOPIC_WORD}[- ](?:toi|vous)",
    # 0.6.0: songs ("j'écoute Suicide social d'Orelsan"), trends and causes of death
    rf"(?:ecoute|ecouter|ecoutais|heard|listening to|listen to|blasting|playing) {_GAP}"
    rf"(?:[\"'«“]{_CRISIS_TOPIC_WORD}|{_CRISIS_TOPIC_WORD} social(?!\w))",
    rf"(?:hausse|augmentation|baisse|montee|increase|rise|spike|drop) (?:des |du |de la |de |in"
    rf" |of )?{_GAP}{_CRISIS_TOPIC_WORD} (?:chez|among|rates?|deaths?|chiffres|statistics|in"
    r" (?:the )?(?:us|uk|canada|france|quebec|young|youth|teens|teenagers|men|women|veterans"
    r"|farmers|students|kids|children|adolescents)|au (?:quebec|canada)|en (?:france|belgique"
    r"|suisse))(?!\w)",
    rf"{_CRISIS_TOPIC_WORD} {_GAP}(?:(?:premiere|deuxieme|seconde|principale) cause|cause de"
    r" (?:mortalite|deces)|(?:leading|second|top) cause|cause of death)",
)
# The open-ended part: people in crisis rarely use a stock phrase. A sentence that holds a
# death or self-harm word *and* a word of intent or despair is crisis, unless a figurative
# frame sits in the same sentence ("je vais mourir de rire", "lol", "my phone is dying").
CRISIS_DEATH: tuple[str, ...] = (
    r"mourir|meurs|meure|mourrais|mourrai|crever|creve|ma mort|mort|morte|(?:me|se|m'|s') ?tuer"
    r"|suicid\w*|en finir|automutil\w*|scarifi\w*|me couper",
    r"die|dying|dead|death|my death|kill (?:my ?self|me)|suicid\w*|end it|ending it|cutting"
    r"|overdose",
)
# Places and means: only with a strong word ("les pilules sont là, je suis prête").
CRISIS_MEANS: tuple[str, ...] = (
    r"disparaitre|exister|en vie|saigne\w*|pilules|medicaments|medocs|cachets|somniferes|pont"
    r"|balcon|toit|corde|lame|rasoir|fusil|couteau",
    r"disappear|exist|alive|bleed\w*|blood|pills|meds|tablets|bridge|roof|ledge|into a wall"
    r"|antidepress\w*"
    r"|into a tree|scratching|rope|blade|razor|gun|knife",
)
CRISIS_DESPAIR_STRONG: tuple[str, ...] = (
    r"(?:plus|pu|pus|pas) (?:envie|capable|la force|le gout)|seule?|deteste|a bout|prete?"
    r"|decide\w*|sauter|cache\w*|personne|vide|fardeau|desespoir|desespere\w*|j'en peux plus"
    r"|jpp|tanne\w* de|marre de|sert a rien|a quoi bon|souffr\w*|(?:toutes|tous) les prendre"
    r"|besoin d'avoir mal|adieu|accumul\w*|pour que ca marche",
    r"alone|hate myself|ready|decided|jump\w*|hoard\w*|stash\w*|saving up|nobody|no one"
    r"|no point|hopeless|worthless|empty|burden|can't take|cant take|tired of|until they"
    r"|every night|anymore|(?:taking|take|swallow|swallowing) (?:them|it) all|need the pain"
    r"|goodbye|have enough now|enough to do it",
)
CRISIS_DESPAIR: tuple[str, ...] = (
    r"envie|veux|voudrais|vais|pense|penser|songe|rendu|laisser|laisse|ce soir|cette nuit"
    r"|prepare\w*|craquer|douleur|epuise\w*|tanne\w*|marre",
    r"wants?|wanna|wish|going to|gonna|planning|plan|think\w*|thought|the point|can't do"
    r"|cant do|pain|tired|exhausted|tonight|until|sometimes|every day|keep",
    *CRISIS_DESPAIR_STRONG,
)
CRISIS_FIGURATIVE: tuple[str, ...] = (
    r"bungee|saut a l'elastique|parkour|base jump\w*|cliff div\w*"
    r"|de rire|de honte|de faim|de soif|de chaleur|de fatigue|de froid|de peur|d'ennui"
    r"|d'impatience|a la tache|a l'ouvrage|a la job|cutting (?:back|down|out|sugar|carbs|gluten"
    r"|dairy|alcohol|coffee|caffeine"
    r"|meat|onions|hair|my hair|class|costs|ties)|laughing|laughter|embarrass\w*|lol\w*|lmao\w*"
    r"|mdr|ptdr|haha\w*|to die for"
    r"|dying to|dead tired|batterie|battery|phone|cell\w*|plante|plant|killing it|killed it"
    r"|song|chanson|film|movie|series?|show|jeu|game|personnage|character|examen|exam|prof"
    r"|teacher|boss|patron|workout|gym|entrainement|traffic|trafic|chaleur|heat|bouchee|bite"
    r"|va me tuer|vont me tuer|gonna kill me|will kill me|killing me|kills me|mort de"
    r"|dead (?:tired|serious|inside lol)|deadline|dead end|dead battery|laptop|ordi\w*"
    r"|computer|voiture|car|char|auto|(?:mourir|crever|meurs|meurt|mort|morte|creve) d(?:e|')"
    r"|(?:veux|want|wanna) (?:pas|not|never) (?:mourir|die|to die)|(?:don't|dont|do not)"
    r" (?:want|wanna) (?:to )?die|rather die than|corde a sauter|jump(?:ing)? rope|skipping rope",
)
# 0.4.0: a means at hand and a cue of intent anywhere in the message, across sentences
# ("je compte les comprimés. 40. ça devrait suffire", "bought the rope. goodbye"). The
# cues are the ones a plan or a farewell uses, not "tonight" or "sorry" alone, and a
# harmless frame anywhere (a vitamin, bungee jumping, hunting, cooking, a game) cancels.
CRISIS_MEANS_AT_HAND: tuple[str, ...] = (
    _PILLS,
    r"overdose|surdose|od|ropes?|noose|cordes?|knife|knives|couteau|blades?|lames?|razors?"
    r"|rasoirs?|guns?|fusil|pistolet|bridges?|ponts?|rooftops?|roof|toits?|balcon|balcony"
    r"|falaise|cliffs?|tracks|rails|voie ferree|\d+(?:e|eme|th|rd|nd) (?:etage|floor)"
    r"|exhaust|echappement|charcoal|charbon de bois|tabletten|pastillas|comprimidos|pastiglie"
    r"|(?:gave|given|giving) (?:away )?(?:all )?my|(?:donne|donner)"
    r" (?:mon chat|mon chien|mes affaires|toutes mes)|vide mon appart\w*|emptied my"
    r" (?:apartment|room|place)",
)
CRISIS_INTENT_CUES: tuple[str, ...] = (
    r"(?:ca|cela|that|this|it|\d+) (?:devrait|va|should|will|would) (?:suffire|be enough)"
    r"|(?:assez|enough) (?:pour (?:ne|pas|mourir|en finir|que)|to (?:die|do it|not wake|end))"
    r"|asking for (?:me|myself)|c'est decide|it'?s decided|(?:i'?ve|i have|j'ai) decided?"
    r"|personne (?:ne )?(?:va|vas) (?:le )?remarquer|(?:nobody|no one) (?:will|would) (?:notice"
    r"|care)|adieu|goodbye|farewell|dites a|tell my|(?:j'?)?hesite (?:plus|pu|pus)"
    r"|almost over|presque fini|bientot fini|ce soir c'est|le bon soir"
    r"|the right night|devant moi"
    r"|in front of me|in my hands?|dans (?:la|ma|mes) mains?|je sais ce que je vais faire"
    r"|know what i'?m (?:going to|gonna) do|sorry everyone|desolee? (?:tout le monde|a tous)"
    r"|won't need|wont need|aurai (?:plus|pu) besoin|(?:for|pour) the last time|pour la derniere"
    r" fois|(?:chu|je suis|jsuis|suis) prete?(?= ?(?:$|[.,!;\n]))|(?:i'?m|im|i am) ready"
    r"(?= ?(?:$|[.,!;\n]))|it'?s time(?= ?(?:$|[.,!;\n]))|il est temps(?= ?(?:$|[.,!;\n]))"
    r"|(?:ma|my) (?:derniere|last|final) (?:nuit|night)|won't answer|wont answer|not answering"
    r"|(?:repond|repondent) (?:pas|plus|pu)|locked (?:her|him|them|my)(?:self|selves) in"
    r"|enfermee? dans"
    # 0.6.0
    r"|(?:don'?t|do not) try to (?:talk me out of it|stop me)|schon hier|en la mano"
    r"|aqui conmigo|tengo guardadas|bientot (?:ce sera |c'est |ca va etre )?fini|c'est pour"
    r" bientot|(?:a cote de|pres de) moi|next to me|right here|sont la(?= ?(?:$|[.,!;\n]))"
    r"|(?:i have|i've got|j'ai) (?:razors|blades|lames|des lames)",
)
# 0.6.0: most crisis messages use no stock phrase but several kinds of signal at once: a
# state of despair, a farewell, a plan or a time, a reach for help. Each kind has strong
# signals and weak ones; a strong signal and a signal of another kind anywhere in the message
# are crisis (or two strong farewells). One kind alone is not, and neither are two weak
# signals: "chu pu capable. bye" after a workout, "c'est décidé, je m'inscris! merci pour
# tout", "sorry for everything yesterday, you did nothing wrong" stay ordinary.
CRISIS_SIGNALS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "despair": (
        (
            r"(?:i )?can'?t (?:do this|go on|take (?:it|this)|keep going) anymore"
            r"|plus rien (?:n'?)?a (?:de )?sens(?! quand)"
            r"|what'?s (?:even )?the point(?: anymore(?! of)| of (?:living"
            r"|anything))|nothing(?:'?s| is) (?:ever )?(?:gonna|going to) get better|(?:i'?m|im)"
            r" not (?:gonna|going to) make it|i (?:don'?t|dont) think i(?:'ll)? make it|ich kann"
            r" nicht mehr|ya no puedo mas|(?:eu )?nao aguento mais|non ce la faccio piu|si demain"
            r" je (?:suis|serai) (?:plus|pu) la|(?:mieux|better off) sans moi|tired of (?:living"
            r"|being alive)|fatiguee? de vivre|(?:i'?m|im|i am|je suis|chu|jsuis|je me sens)"
            r" (?:not|pas|pu) (?:safe|en securite) (?:rn|right now|tonight|ce soir|a soir|with"
            r" myself|avec moi|around myself|from myself)",
        ),
        (
            r"(?:chu|chui|je suis|jsuis|suis|j'suis) (?:pu|plus) capable(?! (?:de|d'))|j'?en peux"
            r" (?:plus|pu)(?! (?:d'|de |du |des |avec |attendre|la |le |les |ce |cette |ces ))"
            r"|can'?t stop thinking about (?:it|dying|my pills)|keep thinking about (?:it|dying|my"
            r" pills|ending it)|scared of what i'?(?:ll| will|m going to) do"
            r"|peur de ce que je (?:vais"
            r" faire|pourrais faire)|j'arrete pas d'y penser"
            r"|(?:i'?m|im|i am) (?:so |just )?done(?: fr(?: fr)?| with (?:everything|life|it all))?"
            r"(?= ?(?:$|[.,!\n]))|(?:j'ai|jai|g) (?:pu|plus) (?:de force|de raison)(?!\w)"
            r"|(?:je suis|chu|chui|jsuis) (?:a bout|rendue? la|au bout du rouleau)(?! (?:de|d'))"
            r"|it (?:hasn'?t|doesn'?t|won'?t|never) gets? better|tired of everything|fatiguee? de"
            r" tout|(?:je veux|jveux|j'veux|i want|i just want) (?:juste |just )?(?:que (?:ca|tout)"
            r" (?:finisse|s'arrete|se termine)|(?:it|everything|it all) to (?:end|be over))"
            r"|(?:there'?s|there is|i see) no other way|(?:y'a|il y a) pas d'autre (?:solution"
            r"|issue|moyen)",
        ),
    ),
    # "I don't want to die, I'm just so tired of everything": said next to despair, the wish
    # not to die is the ambivalence of someone at risk, not a fear of an illness
    "ambivalence": (
        (
            r"(?:(?:don'?t|do not|dont) (?:wanna|want to) die|(?:veux|veut) pas mourir)(?! (?:de|du"
            r"|d'|of|from|a|in|at|young|jeune|alone|seul|seule|like|comme|before|avant|without|sans))",
        ),
        (),
    ),
    "farewell": (
        (
            r"(?:gave|given|giving|give) away (?:all )?(?:my|his|her|their) (?:\w+ )?"
            r"(?:stuff|things"
            r"|belongings|tools|pets?|cat|dog|guitar|games|books|plants|possessions|jewell?e?ry"
            r"|switch|xbox|ps5|collection|hoodies)"
            r"|(?:won'?t|wont|will not)"
            r" need (?:it|them|anything)|(?:aura|aurai|auras) (?:pu|plus|pas) besoin"
            r"|(?:donne|donner|vendu) (?:(?:mon|son|ma|sa) (?:chat|chien|guitare|char|auto|velo)"
            r"|(?:mes|ses) (?:affaires|jeux|outils|bijoux|choses)|toutes (?:mes|ses))"
            r"|on (?:le|la|me|se) (?:reverra|reverrait) (?:pas|pu|plus|jamais)|see (?:you|u) on the"
            r" other side|(?:wrote|written|writing) (?:my |the |all the )?(?:letters|notes|note)"
            r"|(?:ecrit|ecris) (?:mes |des |les )?lettres|love (?:u|you) to whoever reads"
            r"|not (?:be(?:ing)? )?(?:a problem|a burden|around) (?:much )?(?:longer|anymore)",
        ),
        (
            r"sorry for everything|desolee? pour tout|(?:you|u) did nothing wrong|c'est pas"
            r" (?:sa|ta|votre|leur) faute|c pas (?:sa|ta) faute|deleting (?:all )?my (?:socials"
            r"|accounts)|supprime (?:tous )?mes comptes|merci pour tout(?=\W*$)|thank (?:u|you)"
            r" for (?:everything|trying)(?=\W*$)|thx for trying|thanks for (?:everything|trying)"
            r"(?=\W*$)|(?:dernier|last) message|bye(?= ?(?:$|[.!\n]))|adieu|goodbye|farewell"
            r"|(?:repond|repondent) (?:pas"
            r"|plus|pu)|(?:not|isn'?t|is not|hasn'?t been) (?:answering|picking up)|turned (?:his"
            r"|her|their|my) phone off|a (?:eteint|ferme) son (?:tel|telephone|cell)",
        ),
    ),
    "plan": (
        (
            r"tonight(?:'?s| is| feels like) the night|tonights the night"
            r"|c'est (?:pour )?(?:ce soir"
            r"|cette nuit|a soir|ce weekend|ce week-end)(?= ?(?:$|[.,!\n]))|c pour (?:ce soir"
            r"|cette nuit|ce weekend)|(?:i have|i've got|ive got|j'ai) (?:a|un) plan(?! (?:for|pour"
            r" (?!(?:tonight|ce soir))))|picked (?:a|the) date|i (?:finally )?know what i'?m"
            r" (?:going to|gonna) do|je sais ce que je vais faire"
            r"|j'ai (?:toute|tout) prepare(?! pour"
            r" (?:le|la|les|l'|un|une|mon|ma|mes|son|sa|ses|notre|nos|demain))"
            r"|(?:don'?t|do not) try to (?:talk me out of it|stop me)|bought the (?:charcoal|rope)"
            r"|(?:je vais|jvais|j'vais) tous les prendre|pense a comment le faire|thought about how"
            r" (?:to do it|i'?d do it)",
        ),
        (
            r"(?:c'est|it'?s) decided?(?= ?(?:$|[.,!\n]))|(?:i'?ve|i have|j'ai) decided?(?= ?(?:$"
            r"|[.,!\n]))|(?:je vais|jvais|j'vais) le faire(?= ?(?:$|[.,!\n]))|(?:demain|ce soir"
            r"|cette nuit|a soir)(?: matin)? (?:ca|tout) va (?:etre )?fini",
        ),
    ),
    "reach": (
        (),
        (
            r"just wanted someone to know|je voulais juste que quelqu'un (?:le )?sache|idk why"
            r" (?:i'?m|im) (?:typing|telling|writing)|je sais pas pourquoi je (?:vous )?(?:ecris"
            r"|ecrit)|helpline|crisis line|ligne d'ecoute|ligne de crise|can someone (?:just )?talk"
            r" to me|(?:quelqu'un|qqn) (?:peut|pourrait) me parler",
        ),
    ),
}
CRISIS_HARMLESS: tuple[str, ...] = (
    r"vitamin\w*|bungee|elastique|chasse|hunting|shooting range|stand de tir|cuisin\w*|cook\w*"
    r"|recette|recipe|oignons?|onions?|jump(?:ing)? rope|corde a sauter|escalade|climb\w*"
    r"|posologie|dosage|film|movie|jeu video|video game|gaming|lol|mdr|ptdr|haha\w*|lmao"
    r"|bridge dentaire|dental bridge|dentist\w*|dentiste|skate|parkour|photo\w*|vue|view"
    r"|sunset|coucher de soleil",
)
CRISIS_FIGURATIVE_EMOJI = frozenset("😂🤣😆😹😜😝😛")

# A recovery story: a past marker and a present one, and nothing saying it is back.
_CRISIS_PAST_RE = _gated(
    r"(?<!\w)(?:il y a \w+ (?:ans|annees|mois)|y'? ?a \w+ (?:ans|annees|mois)(?! que)"
    r"|used to (?:self[- ]?harm|cut|hurt myself|want to die|be suicidal|think about"
    r" (?:suicide|dying|killing myself|ending it))"
    r"|(?:\w+ )?years? ago|(?:in|en) (?:19|20)\d\d"
    r"|quand j'etais (?:jeune|ado|adolescente?|petite?)|when i was (?:younger|a teen\w*|a kid"
    r"|\d+)|ca fait \w+ (?:ans|annees|mois) que"
    r"|last (?:year|summer|winter|spring|fall|autumn)|l'an (?:dernier|passe)|l'annee (?:derniere"
    r"|passee)|avant,? (?:je|j') ?(?:me |m')?\w+ais)(?!\w)"
)
_CRISIS_RECOVERED_RE = _gated(
    r"(?<!\w)(?:aujourd'hui|today|maintenant|now|asteure|astheure|a c't'heure|je vais (?:bien"
    r"|mieux)|(?:j'ai|jai) (?:plus|pu|pus) (?:d'idees noires|d'idees suicidaires|envie de mourir)"
    r"(?! que| qu')"
    r"|i'm (?:doing )?(?:well"
    r"|better|fine|okay|ok)|(?:il|elle|on|je) va (?:beaucoup |bien |tellement )?(?:bien|mieux)"
    r"|(?:she's|he's|they're|she is|he is|i'm|im|i am) (?:doing )?(?:much |so much |a lot |way"
    r" )?(?:well|better|fine|great|okay)|thriving"
    r"|sober|clean|fiere? de moi|proud of (?:me|myself)|(?:arrete|stopped|quit) (?:de me"
    r" (?:scarifier|mutiler|couper|blesser|faire du mal)|cutting|self[- ]?harm\w*|harming)"
    r"|(?:me )?(?:scarifie"
    r"|coupe|fais du mal) (?:plus|pu|pus)|ca fait \w+ (?:ans|annees|mois) que j'ai arrete"
    r"(?: de me \w+)?(?= ?(?:$|[.,!;\n])))(?!\w)"
)
_CRISIS_AGAIN_RE = _gated(
    r"(?<!\w)(?:encore|again|still|toujours|de nouveau|a nouveau|revenu\w*|back|ce soir"
    r"|tonight|right now|en ce moment"
    # 0.5.0: a relapse, or an intent in the present, says the story is not over
    r"|relaps\w*|rechut\w*|replong\w*|un plan|a plan|(?:now|maintenant) (?:i|je|j')"
    r" ?(?:want|wanna|think|plan|feel like|veux|pense|planifie|ai un plan)"
    r"|(?:i|je|j') ?(?:want to|wanna|veux) (?:die|mourir|kill|me tuer|end|en finir)"
    # 0.6.0 (review): others believe it is over, or a present thought, plan, means or place
    # says it is not ("last year I lost my job. today I bought a rope"); the strong signals
    # of CRISIS_SIGNALS say so too (see _recovered)
    r"|(?:everyone|everybody|they|people|tout le monde|ils|elles|les gens) (?:thinks?|says?|croit"
    r"|croient|pense|pensent|dit|disent)|pretend\w*|fais semblant|planning|planifie|plan to"
    r"|recommenc\w*|le refaire|(?:do|doing) it again|(?:i|je|j') ?(?:think|pense|pensais)"
    r"(?: \w+)? (?:about|a|au) (?:killing|suicide|dying|ending|me|mourir|en finir)|idees"
    r" (?:noires|suicidaires)|suicidal thoughts|goodbye|adieu|every night|chaque (?:nuit|soir)"
    r"|(?:c'est|it'?s) (?:tous les jours|every day)|bought (?:a|the) (?:rope|gun)|achete une"
    r" (?:corde|arme)|(?:pills|rope|corde|cachets|pilules|meds)(?: \w+)? (?:ready|pretes?)"
    r"|pire|worse|que jamais|than ever"
    r"|standing on|on the (?:bridge|roof|ledge)|sur le (?:pont|toit)|(?:have|got|j'ai) (?:the |a"
    r" |des |les |my |mes )?(?:rope|corde|pills|pilules|cachets|medocs|lames|blades|razors|gun"
    r"|fusil)|hoarding|saving (?:up )?(?:my )?(?:pills|meds)|(?:took|swallowed|avale|pris) (?:all"
    r" |a bunch of |tous |toutes )?(?:my |mes )?(?:pills|pilules|cachets|medocs))(?!\w)"
)

HARASSMENT: tuple[str, ...] = (
    r"(?:je vais|j'vais|on va|m'as|je vas) (?:te|vous) (?:tuer|buter|crever|defoncer|frapper"
    r"|retrouver|egorger|fumer|peter la gueule|casser la gueule|faire la peau)",
    r"(?:je|on) (?:sais|sait|connais|connait) ou (?:tu|vous) (?:habites?|habitez|vis|vivez"
    r"|restes?|restez|travailles?|travaillez)",
    r"(?:i'll|i will|ill|im gonna|i'm gonna|i am going to|i'm going to|im going to|gonna"
    r"|we will|we'll|we're going to|we're gonna|were gonna) (?:kill|find"
    r"|hurt|get|shoot|stab|beat|destroy) (?:you|u|ya)",
    r"i know where (?:you|u) (?:live|work)",
    r"watch your back",
    r"(?:you're|youre|you are|ur) (?:so )?dead(?: meat)?",
    r"(?:t'es|tu es|vous etes) (?:mort|morts|un homme mort)",
    r"kill (?:your ?self|yourselves|urself|yoself)|kys",
    r"(?:go )?unalive (?:your ?self|urself|yourselves)|end it already,? do (?:everyone|us all"
    r"|the world) a favou?r|(?:you|u) should (?:just )?end it already",
    r"go (?:die|kill yourself|hang yourself)|(?:^|(?<=[.!?,\n] )|(?<=you )|(?<=u )|(?<=just ))go"
    r" jump off (?:a|the) (?:bridge|cliff|roof|building)"
    r"|va (?:donc )?te jeter (?:en bas d'un pont|d'un pont|du toit|sous un train)",
    r"(?:hope|wish) (?:you|u) (?:die|rot|get cancer|suffer|burn)",
    r"(?:tue|suicide|pend)[- ]toi",
    r"(?:tu|vous|t') ?(?:merites|meritez|merite) (?:de |d')?(?:crever|mourir|creuver)(?! (?:en"
    r" paix|dans la dignite|entoure|paisiblement|dignement|sans souffrir))",
    r"va (?:donc )?(?:te pendre|te tuer|te suicider)",
    r"(?:^|(?<=[.!?,\n]) ?)(?:va|allez) (?:donc )?(?:crever|mourir)",
    r"(?:j'espere|j'souhaite|je souhaite|jespere) (?:que )?(?:tu |vous |t')?(?:creves?"
    r"|crevez|meurs|mourrez|mourez|vas crever|vas mourir)",
    r"(?:tu vas|t'vas|tu vas|vous allez|you'll|you will|you're gonna|youre gonna|ur gonna"
    r"|you are going to) (?:le |la |tellement )?(?:regretter|payer|regret it|regret this"
    r"|pay for (?:this|it|that))(?! d)",
    r"je (?:t'|vous )attends? (?:a la sortie|dehors|en bas|dans le stationnement|apres)",
    r"(?:fais|faites) attention (?:a toi|a vous|quand tu sors|quand vous sortez|en sortant)",
    r"(?:i'm|im|i am|we're|we are) coming for (?:you|u)|(?:you|u) (?:better|had better|'d"
    r" better) watch (?:out|your back)",
)
_GROUP = (
    r"(?:les |the |all |tous les |ces |these |those )?(?:personnes )?(?:immigre\w*|immigrant\w*"
    r"|migrants?"
    r"|refugie\w*|refugees?|juifs?|juives?|jews?|musulman\w*|muslims?|islamistes?|arabes?"
    r"|arabs?|noirs|noires|blacks|asiatiques|asians|chinois|chinese|autochtones|natives|gays?"
    r"|homos?|homosexuel\w*|lesbiennes?|lesbians?|trans|transgenres?|transgenders?|queers?"
    r"|femmes|women|feministes?|feminists?)(?: people| folks)?"
)
HATE: tuple[str, ...] = (
    r"sales? (?:juif|juive|arabe|noir|noire|musulman|musulmane|immigre|immigree|etranger"
    r"|etrangere|pd|pede)s?",
    r"(?:retourne|retournez|rentre|rentrez) (?:dans|chez) (?:ton|votre) (?:pays|bled)",
    r"go back to (?:your|ur) (?:own )?country",
    rf"{_GROUP} (?:sont|is|are|=|c'est) (?:tous |all |just |juste |des |une |a |an |rien que"
    r" des )*(?:terroristes?|terrorists?|maladies?|diseases?|abomination\w*|malades mentaux"
    r"|mentally ill|vermin|vermine|animaux|animals|parasites?|cancer|dechets|trash|garbage"
    r"|sous-humains?|subhuman|criminels|criminals|degenerate\w*|degeneres?|inferieur\w*"
    r"|inferior|violeurs|rapists?|disgusting|degoutants?)",
    rf"{_GROUP} (?:qui )?(?:nous )?(?:volent|ruinent|detruisent|envahissent|profitent|abusent"
    r"|remplacent|controlent|are ruining|are destroying|are taking over|are invading|ruin"
    r"|destroy|steal|take our|invade|replace|control|controls|run (?:everything|the world))",
    rf"{_GROUP} (?:shouldn't|should not|ne devraient pas|devraient pas|don't deserve|ne"
    r" meritent pas|meritent pas) (?:be|etre|avoir|have|vote|voter|work|travailler|exist"
    r"|exister)",
    rf"{_GROUP} (?:n'ont|ont) rien a faire (?:ici|chez nous|au quebec|au canada|en france)"
    rf"|{_GROUP} (?:don't|do not|dont) belong (?:here|in this country)",
    rf"{_GROUP} (?:devraient|should) (?:retourner|rentrer|go back|be deported|etre deportes)",
    r"(?:qu'ils|qu'elles|ils devraient|elles devraient|they should|send them) (?:retournent"
    r"|retourner|rentrent|rentrer|go back|be sent back) (?:chez eux|dans leur pays|home"
    r"|to their (?:own )?country|where they came from)",
)
ABUSE_ALWAYS: tuple[str, ...] = (
    r"connard\w*|conard\w*|connasse\w*|encul\w*|enfoir\w*|salop(?:e|es|ard|ards|erie)?"
    r"|salaud\w*",
    r"fils de pute|fdp|putes?|ntm|nique (?:ta |sa |vos |votre )?(?:mere|race|gueule|daronne)",
    r"(?:(?:ferme|farme|fermez) )?(?:ta|votre) (?:gueule|yeule|geule)|ftg",
    r"va (?:donc )?(?:chier|te faire (?:foutre|enculer|voir|mettre))",
    r"allez (?:donc )?(?:chier|vous faire (?:foutre|enculer|voir))",
    r"mange[sz]? (?:donc )?(?:d'la|de la|un char de|un char d'|du) (?:marde|merde)",
    r"trous? (?:de |d')cul|batard\w*|tete de (?:noeud|con)",
    r"(?<!i'm a )(?<!im a )(?<!i am a )(?<!like a )(?<!just a )(?<!such a )waste of (?:oxygen"
    r"|space|air|skin)",
    r"(?:pauvre|gros|grosse|sale|espece de|espece d'|esti de|maudit|maudite|ostie de|ti|p'tit)"
    r" (?:con|conne|cons|debile|cave|idiot|idiote|imbecile|cretin|cretine|twit|epais|epaisse"
    r"|niaiseux|niaiseuse|clown|tata)",
    r"fuck (?:this|that|these|those|your|all of)",
    r"f(?:[u*@#]{1,3}c?|c)k(?:ing|in)? (?:you|u|off|ya|yourself|yourselves)",
    r"stfu|gtfo|shut (?:the (?:f\w*|hell) )?up|shut it",
    r"asshole\w*|a-hole|a\*+hole\w*|arsehole\w*|dick ?head\w*|douche ?bag\w*|bitch\w*",
    r"mother ?f\w*ker\w*|moron\w*|dumb ?ass\w*|jackass\w*|scumbag\w*|retarded",
    r"piece of (?:shit|crap|garbage|trash)|screw (?:you|u)|go to hell|(?:you|u) suck"
    r"|kiss my ass",
    r"tais[- ]toi|taisez[- ]vous|ferme[- ]la",
    r"(?:t'es|tes|tu es|vous etes|t'etais) (?:qu'une?|rien qu'une?|juste une?|une?|des)"
    r" (?:grosse |gros |sale |belle |vraie |petite |ti )?(?:merde|marde|ordure|pourriture"
    r"|raclure|dechet|vidange)s?",
    r"(?:you're|youre|you are|ur|u r|y'all are|you guys are|you people are) (?:such |a |an"
    r" |a total |a complete |all |just )*(?:joke|fraud|frauds|disgrace|clowns?|losers?)",
    # 0.4.0: compound and creative insults, animal names with a slur in front, the
    # imperatives, and a few words in the other languages the audience writes in.
    r"(?:gros|grosse|sale|sales|espece de|espece d'|vieux|vieille|fat|ugly|dirty|stupid|filthy"
    r"|disgusting) (?:gros |grosse |sale |vieux |vieille |old |fat |ugly )?(?:vaches?|porcs?"
    r"|truies?|cochons?|chiennes?|dindes?|thons?|baleines?|larves?|limaces?|pigs?|cows?|whales?"
    r"|slobs?|rats?|hypocrites?|pigs?)",
    r"qu'une? (?:grosse |sale |vieille |gros |vieux )?(?:vache|truie|porc|chienne|dinde|larve)",
    r"(?:brainless|spineless|clueless|useless|worthless|talentless|gutless) (?:\w+ )?(?:monkeys?"
    r"|idiots?|morons?|clowns?|hacks?|frauds?|losers?|people|staff|twats?|pricks?|bitch\w*"
    r"|pieces?|trolls?|bureaucrats?|sheep|muppets?)",
    r"(?:^|(?<=[.!?,\n]) ?)(?:piss off|eat shit|bugger off|sod off|get fucked|drop dead)",
    r"pouffiasse\w*|petasse\w*|grognasse\w*|trouduc\w*|sac a merde|sac a marde|cassos"
    r"|baltringue\w*|mange(?:ux|ur) de (?:marde|merde)|gros plein de (?:marde|merde)"
    r"|dipshit\w*|shithead\w*|shitbag\w*|fuckface\w*|fuckwit\w*|cunt\w*|knobhead\w*"
    r"|bellend\w*|numpt(?:y|ies)|halfwit\w*|nitwit\w*|dimwit\w*|pea ?brain\w*|scumbags?"
    r"|lowlifes?|garbage human\w*",
    r"(?:t'es|tes|tu es|vous etes|you're|youre|you are|ur|u r) (?:tellement |so |vraiment"
    r" |totally |completely |fucking |tous |all )?(?:inutiles?|useless|worthless|minable"
    r"|minables|a waste of (?:space|oxygen|air|skin)|des? parasites?|parasites)",
    # 0.5.0: an organisation called a den of thieves, "run by overpaid clowns"; an insult
    # noun with a demonstrative ("c'est qui ce bouffon", "this moron")
    r"(?:fondation|organisme|clinique|hopital|gang|ramassis|troupeau|nid|repaire|charity"
    r"|foundation|clinic|hospital|company|organi[sz]ation|run by) (?:de |d'|of )?"
    r"(?:(?:vrais|sales|gros|overpaid|useless|lazy|greedy|incompetent) )?(?:voleurs|menteurs"
    r"|charlatans|vautours|incompetents|clowns|bouffons|crooks|thieves|liars|frauds|vultures"
    r"|idiots|morons|parasites|escrocs|leeches|muppets)",
    r"(?:^|(?<=[\s.!?,]))(?:ce|cette|this|that) (?:(?:gros|grosse|petit|petite|ptite|p'tite"
    r"|maudit|maudite|sale|stupid|fucking|absolute) )?(?:bouffon|abruti|imbecile|cretin|connard"
    r"|connasse|tocard|guignol|idiot|moron|prick|tosser|wanker|twat|muppet|halfwit"
    r"|dimwit|nitwit|buffoon|loser)(?!\w)",
    r"cette (?:grosse |maudite |vieille )?conne(?! d)(?!\w)",
    r"(?:ptite|p'tite|petite) (?:conne|idiote|niaiseuse|epaisse) (?:de|d')",
    r"tosser\w*|arrogant prick|condescending (?:prick|cow|witch|bitch)",
    # 0.6.0 (heldout6): the audience's other languages; "sale incompétente"; a gang of crooks
    r"vollidiot\w*|arschloch\w*|del cazzo|hijo de puta|filho da puta|(?:que|che)"
    r" (?:medico|medica|doctor|doctora|enfermera|infermiere|idiota|imbecil) (?:idiota|imbecil"
    r"|incompetente)|incompetenti|pendejos?|babacas?",
    r"sale (?:incompetente?s?|arnaqueu(?:r|rs|se|ses)|menteu(?:r|rs|se|ses)|voleu(?:r|rs|se|ses))"
    r"|bande d'(?:arnaqueu(?:r|rs|ses)|incompetents|escrocs|voleurs|branquignol\w*)"
    r"|(?:c'est|cest|c) (?:des|un|une) (?:gros |grosse |vrais |vraies )?(?:branquignol\w*|tocard\w*"
    r"|guignol\w*|bouffon\w*|clowns?|incompetents?)",
    r"(?:imagine|imaginez) (?:being|etre) (?:this|that|aussi|si) (?:thick|dumb|stupid|con|conne"
    r"|debile|cave|idiot)",
    r"garbage (?:charity|company|clinic|hospital|app|people|staff|organi[sz]ation|human\w*)"
    r"|dumbest \w+ (?:i'?ve|ive|i have) ever",
    r"eres (?:un|una) (?:idiota|imbecil|estupid[oa]|pendej[oa]|payas[oa])|pendej[oa]s?"
    r"|gilipollas|stronz[oi]|coglion[ei]|vaffanculo|branco di (?:incompetenti|idioti|cretini"
    r"|buffoni)|vergognatevi|arschloch",
    # 0.9.0 (heldout11's abuse mistakes): the service or the organisation "de merde" (every
    # labeled one is abuse; "ma vie de merde", "réseau de merde" are not the organisation)
    r"(?:service|services|association|clinique|hopital|appli|application|app|site|organisme"
    r"|centre|fondation|equipe|personnel|direction|conseils?|campagne|programme|accueil"
    r"|cabinet|administration|docteur|medecin|psy) (?:client |\w+ )?de (?:merde|marde)",
    r"pillocks?|lazy sods|bunch of (?:lazy |useless )?sods"
    r"|(?:you're|youre|you are|you people are|y'all are) (?:all )?(?:scammers|leeches|crooks"
    r"|thieves|liars)",
    # insults of the audience's other languages, folded: Turkish, Dutch, romanised Hindi and
    # Urdu, Darija and Arabic, Indonesian, Tagalog, Polish, Russian, Romanian, Haitian Creole
    r"bir salak|salaklar\w*|salaks[iı]n\w*|aptal\w*|siktir\w*|gerizekal\w*|orospu\w*|serefsiz\w*"  # noqa: RUF001 (Turkish)
    r"|klootzak\w*|(?:jij|vuile|stomme|stelletje) eikels?|debiel\w*|kankerlijer\w*"
    r"|ullu ke pat+h\w*|kamine|kamina|haramzad\w*|harami|chutiy\w*|bhenchod|madarchod"
    r"|7mir|7mar|ya hmar|انتوما حمير|انتم حمير|يا حمار|يا كلب|يا حيوان"
    r"|goblok|tolol|bangsat|bajingan|gago ka|mga gago|tarantado|ulol|putang ?ina mo"
    r"|spierdalaj\w*|chuju|debilu|idioto"
    r"|идиот\w*|дебил\w*|урод\w*|мудак\w*|придур\w*"
    r"|dobitoc\w*|prostanac\w*|bourik",
)
# Nouns that insult whoever they are said to, even bare ("Idiot !").
ABUSE_NOUNS: tuple[str, ...] = (
    r"idiot\w*|imbecile\w*|cretin\w*|abruti\w*|bouffon\w*|tocard\w*|guignol\w*|caves?"
    r"|niaiseu(?:x|se|ses)|epais|epaisse|loser\w*|twat|prick|wanker|menteu(?:r|rs|se|ses)"
    r"|liars?|hypocrites?|voleu(?:r|rs|se|ses)|clowns?|twits?|mongol\w*|tares|taree?s"
    r"|incompetente?s|incompetents|charlatans?|profiteu(?:r|rs|se|ses)|gogols?|teubes?"
    r"|neuneus?|andouilles?|couillons?|blaireaux|blaireau|branleu(?:r|rs|se|ses)|glandeu(?:r|rs"
    r"|se|ses)|nazes|attarde(?:e|s|es)?|demeure(?:e|s|es)|morons?|imbeciles?|dumbasses?"
    r"|jackasses?|buffoons?|muppets?|halfwits?|dimwits?|nitwits?|creeps?|lowlifes?|hacks"
    r"|quacks?|idiota|incompetenti|sans-dessein|sans dessein|tarlas?|vautours?|escrocs?",
)
# Adjectives that only insult with a target: "vous êtes débiles", not "question débile".
ABUSE_ADJECTIVES: tuple[str, ...] = (
    r"stupid\w*|debile\w*|dumb|pathetic|pathetique\w*|cons?|connes?|fools?|jerks?"
    r"|dumm(?:y|ies)|ridicules?|nuls|nulles",
)
# Quebec swear words are punctuation until aimed at someone ("mon tabarnak", "esti de cave").
SACRES: tuple[str, ...] = (
    r"crisse|criss|crisses|tabarnak|tabarnac|tabarnaque|tabarnouche|osti|ostie|esti|estie"
    r"|astie|calisse|caliss|sacrament|ciboire|viarge",
)
ABUSE_TARGET: tuple[str, ...] = (
    r"you|your|you're|youre|ur|u|ya|yall|y'all|tu|t'\w+|te|toi|toe|vous|v'z|vos|votre|ton"
    r"|ta|tes|espece|bande|gang|bunch|what an?|quel|quelle|quels|quelles|ces|these|those"
    r"|such an?",
)
SACRE_POSSESSIVE: tuple[str, ...] = (r"(?:mon|ma|mes) (?:" + SACRES[0] + ")",)
# "le gars c'est un abruti", "they are idiots", "sti d'épais": an insult said of someone.
ABUSE_PREDICATE: tuple[str, ...] = (
    r"(?:c'est|est|sont|is|are|'s|was|were|etait|etaient) (?:(?:un|une|des|a|an|such an?"
    r"|tous des|toutes des|all|juste un|juste une|just an?) )?(?:(?:vrai|vraie|vrais|vraies"
    r"|gros|grosse|complete|total|fucking|real|maudit|maudite|esti|ostie|sti|criss|crisse"
    r"|petit|petite|ti|bande d'|bande de|gang de|arrogant|arrogante|condescending|rude|lazy"
    r"|ignorant|bitter|old|vieux|vieille|overpaid|useless) )*(?:" + ABUSE_NOUNS[0] + ")",
    r"(?:est|sont|is|are|etait|etaient|was|were) (?:une?|des|a|an|tous des|toutes des|such an?)"
    r" (?:(?:vraie?s?|grosse?s?|sale|sales|belle|beau|petite?s?|absolute|complete|total|utter"
    r"|real|fucking|massive|giant|huge|old|vieille|maudite|rude|condescending|lazy|frustree)"
    r" )*(?:conne?s?|debiles?|tarees?|nulles?|idiots?|clowns?|bouffons?|parasites?|hypocrites?"
    r"|vaches?|pigs?|cows?|witch|sorciere|bete|hag)(?!\w)(?! (?:de"
    r" |d'|of |pour |for ))",
    r"(?:" + SACRES[0] + r"|sti|maudit|maudite) d(?:e |')(?:(?:gros|grosse|petit|petite|sale"
    r"|vieux|vieille|maudit|maudite) )?(?:" + ABUSE_NOUNS[0] + r"|vaches?|truies?)",
)
# Teasing between friends: only mild insults, laughter and a friendly word ("mon petit con 😂").
ABUSE_MILD: tuple[str, ...] = (
    r"cons?|connes?|idiot\w*|caves?|niaiseu\w*|nerds?|dorks?|twits?|clowns?|malades?|fous?"
    r"|folles?|stupid|dumb|silly|dumm(?:y|ies)|epais|epaisse|loser\w*|shut up|tais[- ]toi",
)
LAUGHTER: tuple[str, ...] = (r"lol\w*|lmao\w*|mdr\w*|ptdr\w*|haha\w*|ahah\w*|hihi\w*|hehe\w*|xd",)
LAUGHTER_EMOJI = frozenset("😂🤣😆😹😜😝😛")
FRIENDLY: tuple[str, ...] = (
    r"love (?:you|u|ya)|luv (?:u|you)|ily|je t'aime|je t'adore|je l'aime|see (?:you|ya|u)"
    r"|a (?:tantot|plus|demain)|mon (?:petit|gros|chum|frere|ami|pote)|ma (?:petite|grosse"
    r"|chum|soeur|belle|puce)|bro|buddy|dude|bestie|pareil",
)
FRIENDLY_EMOJI = frozenset("❤♥😘🥰💕💖")

SPAM_STRONG: tuple[str, ...] = (
    r"free (?:followers|likes|views|subscribers|money|gift ?cards?|iphone|bitcoin|crypto"
    r"|robux|v-?bucks)",
    r"(?:followers|abonnes|likes|vues) (?:gratuits|gratuites|garantis)",
    r"(?:buy|acheter|achetez) (?:des )?(?:followers|likes|abonnes|views|vues)",
    r"dm (?:me )?(?:for|to get|pour)",
    r"(?:send|text|message|write) me (?:a |on )?(?:dm|pm|message|whatsapp|telegram)",
    r"(?:ecris|ecrivez|contacte|contactez)[- ]moi (?:sur whatsapp|sur telegram)",
    r"check (?:out )?my (?:profile|bio|page|channel|account|link|story|stories)",
    r"(?:va|allez|aller) (?:voir|checker) (?:mon|ma) (?:profil|compte|page|bio|story|chaine)",
    r"link in (?:my )?bio|lien (?:dans|en) (?:ma |mon )?bio",
    r"click (?:here|the link|my link|on my)|clique[rz]? (?:ici|sur (?:le|mon) lien)",
    r"follow (?:me|back|for follow|4 follow)|f4f|follow4follow|suivez[- ]moi",
    r"abonne[rz]?[- ](?:vous|toi) (?:a|sur) (?:mon|ma)",
    r"promo ?codes?|codes? promo|discount codes?|coupon codes?|codes? de reduction",
    r"(?:make|earn|making|earning) (?:easy |extra |real |passive )?(?:money|cash|\$+) (?:fast"
    r"|online|from home|daily|weekly|while you sleep)",
    r"gagne[rz]? (?:facilement |rapidement )?(?:de l'argent|des euros|\d+ ?(?:€|euros?|\$"
    r"|dollars?)) (?:facilement|rapidement|en ligne|depuis chez|par jour|par semaine"
    r"|sans effort)",
    r"(?:\$|€) ?\d[\d,.]*k? ?(?:a|per|par|/) ?(?:day|jour|week|semaine|hour|heure|month|mois)",
    r"(?:join|rejoignez|rejoins|rejoindre) (?:my|our|mon|notre) (?:team|equipe)",
    r"(?:vends|vend|vendons|sell|selling|sells) (?:des |cheap |de |real )?(?:followers|likes"
    r"|abonnes|comptes|accounts|views|vues)",
    r"sans verification|no (?:credit )?checks?",
    r"(?<!like )(?<!about )(?<!have )(?<!drink )(?<!take )(?<!eat )(?<!smoke )"
    r"\d[\d,.]*k? ?(?:\$|€|usd|euros?|dollars?)? ?(?:a|per|par|/) ?(?:day|jour|week|semaine"
    r"|hour|heure|month|mois)",
    r"(?:invest|investissez|investir) (?:in|dans|en) (?:crypto\w*|bitcoin\w*|btc|forex"
    r"|nft\w*)",
    r"binary options?|options binaires|onlyfans|0nlyfans",
    r"whats ?app ?:? ?\+?\d[\d ().-]*\d|telegram ?:? ?@\w+",
    r"(?:invested|investi|invest|investir|investing) (?:in |dans |en )?(?:le |la |du )?"
    r"(?:bitcoin|crypto|btc|forex)\w* (?:with|avec)",
    r"(?:made|earned|gagne|fait|make|earn) \$?\d[\d,. ]*k? ?(?:\$|€|dollars|euros|usd)? (?:in"
    r"|en) (?:a|one|une|\d+|deux|trois) (?:weeks?|days?|months?|semaines?|jours?|mois)",
    r"(?:contact|contactez|contacte|message|write to|ecrivez a|reach out to|dm|text)"
    r" (?:mr\.? |mrs\.? |mme |m\. |madame |monsieur |dr\.? |the expert |l'expert )?@\w+",
    r"(?:recuperation|recuperer|recover\w*) (?:de |d'|your |vos |votre |my |mon |des )?(?:fonds"
    r"|funds|argent|money|crypto|bitcoin)",
    r"(?:subscribe|abonnez[- ]vous|abonne[- ]toi) (?:to|a) (?:my|ma|mon) (?:channel|chaine|page"
    r"|compte|account|profile|profil|youtube|tiktok|insta\w*)",
    r"dm us|inbox us|message us|pm us|contactez[- ]nous en (?:prive|mp)",
    r"(?:grow|boost) (?:your|ton|votre) (?:account|page|followers|audience|compte|profile)",
    r"(?:pour gagner|to win|chance to win|gagner une?|win an?) (?:iphone|ipad|macbook"
    r"|playstation|ps5|gift ?card|carte[- ]cadeau|voyage|trip)",
    r"(?:iphone|ipad|playstation|ps5)s? gratuits?",
    r"(?:checkez|checke|check|visitez|visite|go see|venez voir|viens voir) (?:out )?(?:ma|mon"
    r"|my) (?:page|profil|profile|compte|account|bio|story|chaine|channel)",
    r"(?:viens|venez|come) (?:voir|see) (?:mes|my) (?:photos|pics|videos)",
    r"(?:clique[rz]?|click|tap) (?:sur |on )?(?:mon|ma|my) (?:profil|profile|page|bio|compte"
    r"|account)",
    r"(?:business|investment|work from home) opportunity|opportunite d'(?:affaires|investissement)",
    r"pret (?:rapide|personnel sans|sans)|sans verification de credit|no credit check"
    r"|fast loans?|loan offer",
    r"(?:hot|sexy) (?:singles|girls|pics|videos)",
    r"(?:bitcoin|crypto|forex|btc) (?:trading|investment|investissement|profits?|mining"
    r"|signals?|expert|account manager)",
    r"(?:you(?:'ve| have)? won|vous avez gagne|tu as gagne|t'as gagne)",
    r"(?:claim|reclame[rz]?) (?:your|votre|ton) (?:prize|prix|reward|gift|cadeau)",
    # 0.3.0
    r"(?:receive|get|recevez|recevoir|recois|obtenez) (?:back )?(?:\$|€)? ?\d[\d,.]*k? ?(?:\$|€"
    r"|usdt?|btc|eth|euros?|dollars?)? (?:in|en|within|dans|after) \d+ ?(?:h|hrs?|hours?|heures?"
    r"|days?"
    r"|jours?)",
    r"doubl\w* (?:my|your|mon|votre|ton|his|her|their) (?:money|investment|investissement|argent"
    r"|btc|bitcoin|crypto|capital|mise)",
    r"(?:bitcoin|crypto|forex|btc|binary) (?:trader|broker|courtier)",
    r"(?:recommend|recommande) (?:mr|mrs|mme|m|madame|monsieur)\.? [a-z]+"
    r"(?=,? (?:\w+ )?(?:best|the best|le meilleur|la meilleure|an expert|une experte?|un expert"
    r"|trader|hacker|broker|he|she|il|elle))",
    r"inbox (?:me|moi)|(?:viens|venez|come) (?:en |in |to )?(?:inbox|dm|pv|prive|my dms?)",
    r"\d{1,2} ?% (?:off|de rabais|de reduction)|a -\d{1,2} ?%",
    r"(?:boost|boostez|booste|grow) (?:your|ton|votre|vos|tes) (?:followers|abonnes|likes|vues"
    r"|views|page|compte|account)",
    r"(?:like|share|tag|follow|aimez|partagez|identifiez|taguez|suivez)\w* (?:[^\W_]+ ){0,4}?"
    r"(?:to enter|to win|to participate|pour participer|pour gagner|pour courir la chance)",
    r"free (?:ipads?|macbooks?|ps5|iphones?|airpods|gift ?cards?|samsung)",
    r"sugar (?:daddy|daddies|mommy|bab\w*)",
    r"(?:telegram|whatsapp|whats|snap|kik) (?:me|moi)|(?:chama|chame|escribeme|escreva) (?:no|por"
    r"|pelo) (?:whats\w*|telegram|inbox|privado)",
    r"(?:ganhe|ganha|gana|gane|ganar|ganhar) (?:dinheiro|dinero|plata|\$?\d+)",
    r"(?:ai|ia) trading|trading (?:app|ai|ia|bot)|appli(?:cation)? de trading|devenez riche"
    r"|get rich (?:quick|fast)",
    r"check (?:my|your|ur) (?:dms?|inbox)|(?:regarde|check|checke|verifie)[rz]? (?:tes|vos|ta|ton)"
    r" (?:messages? prives?|mp|dm|inbox|boite de reception)",
    r"(?:have|got) (?:a|an) (?:proposal|offer|opportunity|business proposal) for (?:you|u)"
    r"|(?:j'ai|jai) une (?:offre|proposition|opportunite) pour (?:toi|vous)",
    r"buy (?:1|one) get (?:1|one)|bogo|achetez (?:1|un) (?:obtenez|recevez) (?:1|un)|1 achete,? 1"
    r" (?:offert|gratuit)",
    r"(?:recovery|ethical|legit) hackers?|hacker (?:who|that|qui|de confiance)",
    r"dm me your (?:address|number|email|details|info|adresse)",
    r"(?:crypto|trading|forex|bitcoin) (?:masterclass|course|class|academy|mentorship)|(?:formation"
    r"|cours|masterclass) (?:en |de )?(?:crypto|trading|forex|bitcoin)|\d+x (?:your|ton|votre)"
    r" (?:portfolio|money|investment)|multipli\w* (?:votre|ton|vos|tes) (?:portefeuille|argent"
    r"|investissement|capital)",
    r"(?:get|grow|take|bring) (?:your|ur) (?:page|account|profile|business) to \d+k?|(?:amene"
    r"|amener|monte|monter) (?:ta|votre|ton) (?:page|compte|profil) a \d+k?",
    r"lucky winner|heureux gagnant|heureuse gagnante",
    r"send (?:us )?your (?:bank )?details to claim|envoye[zr] (?:nous )?(?:vos|tes) coordonnees"
    r" (?:pour|afin de) (?:reclamer|recevoir)",
    r"(?:giving away|je fais gagner|fais gagner|on fait gagner|offre) \d+ (?:iphones?|ipads?|ps5s?"
    r"|macbooks?|cartes?[- ]cadeaux?|gift ?cards?)",
    r"(?:earn|make|gagne\w*) \$?\d[\d,.]*k? ?(?:\$|€|usdt|usd|btc|euros?|dollars?)? (?:daily"
    r"|weekly|a day|per day|par jour|par semaine)|(?:trading|crypto) bot|(?:robot|bot) de trading",
    r"(?:widow|veuve|widower)\w* (?:[^\W_]+ ){0,4}?(?:trustworthy|trusted|honest|de confiance"
    r"|honnete)|looking for a (?:trustworthy|serious|honest) (?:friend|partner|person)|cherch\w*"
    r" (?:une|un) (?:personne|ami\w*|partenaire) (?:de confiance|serieuse?|honnete)",
    # 0.6.0 (heldout6): pharmacy without a prescription, romance and friendship scams,
    # recovery testimonials, side hustles, follow-bait in Spanish
    r"(?:sans (?:prescription|ordonnance)|without (?:a )?prescription|no prescription(?: needed)?)"
    r"[^.!?\n]{0,40}(?:livraison (?:discrete|rapide|gratuite|partout|express)|discreet (?:delivery"
    r"|shipping)|fast shipping|worldwide|express shipping)"
    r"|(?:pas cher|cheap|discount)[^.!?\n]{0,30}(?:sans (?:prescription|ordonnance)"
    r"|without (?:a )?prescription|no prescription)",
    r"i would like to be your friend|(?:hello|hi) dear[^\n]{0,80}kindly|(?:widow|widower|veuve"
    r"|veuf)\w*[^\n]{0,80}friend request|friend request[^\n]{0,40}please accept",
    r"(?:looking for|want|join|start) (?:a |my |your )?side hustle|side hustle[^\n]{0,60}"
    r"(?:message me|dm me|inbox|link in bio|\$)",
    r"(?:whatsapp|telegram|@\w+|hacker|recovery expert|broker)[^\n]{0,60}(?:got|recovered)"
    r" (?:everything|all (?:of )?my (?:money|funds|savings|btc|crypto)|my (?:money|funds|savings"
    r"|btc|crypto|bitcoin)) back",
    r"(?:got|get|recovered|gotten|back) (?:everything|all (?:of )?my (?:money|funds|savings|btc"
    r"|crypto)|my (?:money|funds|savings|btc|crypto|bitcoin)) back(?=[^\n]{0,60}(?:whatsapp"
    r"|telegram|@\w|hacker|recovery expert))",
    r"sigueme y te sigo|te sigo si me sigues|segue (?:que|q) (?:eu )?sigo|sigo de volta",
)
SPAM_WEAK: tuple[str, ...] = (
    r"crypto\w*|bitcoin\w*|btc|nft\w*|forex|trading|gagnez|giveaway|promos?|discounts?"
    r"|rabais|casino\w*|betting|paris sportifs|earn|earnings|profits?|profitable",
    r"invest(?:ir|issez|issement|issements|ment|ments|or|ors|ing)?",
    r"offre (?:speciale|limitee|exclusive)|special offer|limited (?:time )?offer"
    r"|exclusive offer|passive income|revenus? passifs?",
    r"dm me|dm moi|en mp|inbox me|subscribe|abonnez[- ]vous|abonne[- ]toi|winner"
    r"|gagnant\w*|cheap|buy now|achetez maintenant|whatsapp|telegram",
    r"(?:bit\.ly|tinyurl|t\.me|wa\.me|cutt\.ly|shorturl|rb\.gy|linktr\.ee)\S*",
    r"\$\$+|€€+",
    r"keto\w*|detox|minceur|slim\w*|weight loss|perte de poids|belly fat|fat burn\w*"
    r"|(?:lose|lost|perdez"
    r"|perdre|perdu) \d+ ?(?:lbs|kg|kilos|pounds|livres)|get yours|commandez|order now"
    r"|shop now|cheap prices|pas chers?|concours|sans quitter la maison|from home"
    r"|from the comfort|hit me up",
    r"visit(?:ez)? (?:our|notre) (?:shop|store|boutique|site|website|page)",
    r"(?:ecris|ecrivez|contacte|contactez)[- ]moi (?:en )?(?:mp|dm|prive)",
    r"\d+k? (?:followers|likes|abonnes|views|vues)",
)

COMPLAINT: tuple[str, ...] = (
    # French
    r"decu(?:e|es|s)?|decevant\w*|deception",
    r"inacceptable|inadmissible|intolerable",
    r"toujours (?:pas|rien|aucun\w*|pu|en attente)",
    r"(?:aucune|pas de|sans|jamais eu de|pas eu de) (?:reponse|retour|nouvelles?)",
    r"personne (?:ne )?(?:repond|m'a repondu|me repond|nous repond)",
    # not a bare "remboursé": "c'est remboursé par la RAMQ?" is a question
    r"(?:mon|ton|notre|votre|un|le|du|au|de|d'un) remboursement|(?:pas|jamais|toujours pas"
    r"|pas encore|pas ete) rembourse\w*|rembourse[rz]?[- ](?:moi|nous)",
    r"arnaque\w*|escroc\w*|escroquerie",
    r"(?:fait|fasse) (?:\d+|un|une|deux|trois|quatre|cinq|six|plusieurs|des) (?:heures?|h|jours?"
    r"|minutes|min"
    r"|semaines?|mois|ans?) (?:que|qu') ?(?:j'attends|j'attend|on attend|j'appelle|j'essaie"
    r"|j'essaye|jattends)",
    r"bug(?:ue)? (?:tout le temps|sans arret|encore|toujours|constamment)|plein\w* de (?:bugs?"
    r"|bogues?|erreurs?)|full of bugs",
    r"desagreable\w*|fait pitie|raccroch\w* au nez|hung up on (?:me|us)|(?:they|she|he"
    r"|someone|somebody) hung up",
    r"(?:perdu|lost|egare|misplaced) (?:mon|ma|mes|my|our|notre|nos) (?:dossier|file|formulaire"
    r"|form|demande|application|papiers|documents|results|resultats|records?)",
    r"trait\w* comme (?:des|un|une) (?:numeros?|chiens|moins que rien|idiots|enfants)"
    r"|treated like (?:numbers|dogs|garbage|crap|children|idiots|a number)",
    r"(?:site|app|appli|application|systeme|plateforme|page|formulaire|portail) (?:plante|bug"
    r"|crash\w*|beug\w*)",
    r"(?:paye|paid) (?:pour|for) (?:rien|nothing)",
    r"(?:\d+|two|three|four|five) (?:minutes|mins|hours|heures|h) (?:on hold|en attente"
    r"|a attendre|waiting)",
    r"(?:encore |re)annul\w*|annul\w* encore|(?:cancelled|canceled|postponed) again"
    r"|c'est la (?:deuxieme|troisieme|quatrieme|cinquieme|\d+e) fois",
    r"(?:pas|mal|aucunement) adapte\w*",
    r"(?:repondez|repondent|rappelez|rappellent|retournez|retournent) (?:jamais|pas|pu|plus"
    r"|rarement)",
    r"perte de temps|waste of (?:time|money)|not impressed|pas impressionne\w*",
    r"expeditif|expeditive|dismissive|condescend\w*|meprisant\w*|arrogant\w*"
    r"|(?:cold|froide?s?) (?:and|et|to|avec)",
    r"(?:n'a|a) (?:aucun|pas de|pas d') ?sens|makes no sense|doesn't make (?:any )?sense",
    r"on hold (?:for|since)|en attente (?:depuis|pendant)",
    r"(?:site|website|app|page|server|portal|link|system|systeme|plateforme|platform) (?:is |est"
    r" |are )?(?:always |still |toujours |encore |again )?(?:down|en panne)",
    r"(?:is|was|are|were|est|etait|sont|etaient) (?:so |vraiment |really |tellement |trop"
    r" |just |absolutely |full |ben )?(?:terrible|awful|horrible|filthy|dirty|disgusting|rude"
    r"|unprofessional|unprepared|late|en retard|degueulasse|malpropre|impoli\w*"
    r"|desagreable\w*)",
    r"(?:won't|wont|doesn't|doesnt|does not|can't|cant|cannot|isn't|isnt) (?:load|open|play"
    r"|start|connect|let me)",
    r"(?:veut|peut|va) (?:pas|pu|plus) (?:ouvrir|charger|jouer|marcher|fonctionner|se connecter)"
    r"|(?:ouvre|charge|joue) (?:pas|plus|pu)",
    r"nul(?:le|les|s)?(?! part)",
    r"lamentable|deplorable|pitoyable|scandal\w*|honte(?:ux|use)?|honteu\w*",
    r"mecontent\w*|insatisfait\w*",
    r"pas (?:du tout )?(?:content|contente|contents|satisfait|satisfaite|satisfaits)",
    r"(?:pas|jamais|toujours pas) (?:recu|eu)",
    r"(?:fonctionne|marche|marchent|fonctionnent) (?:pas|plus|pu)",
    # not a bare "bug": a stomach bug is not a complaint
    r"bugu?e\w*|bugg\w*|beug\w*|(?:un|des|le|les|gros) bugs?|plante tout le temps",
    r"(?:le |la )?pire",
    r"plainte|(?:me )?plaindre",
    r"attend\w* (?:depuis|toujours|encore)",
    r"(?:en a|en ai|en avons) marre|ras[- ]le[- ]bol",
    r"(?:fou\w*|moqu\w*) (?:de|d') (?:nous|moi|la gueule|vos clients|vos patients)",
    r"n'importe quoi|merci pour rien|c'est une blague",
    r"(?:chu|suis|on est|je suis|sommes) (?:ben |vraiment |full |tellement )?tanne\w*"
    r"(?! (?:de |d')(?:vivre|exister|la vie|ma vie))",
    r"(?:pas|pu) d'allure|niais(?:er|age|ez|ent)"
    r"|(?<!mange )(?<!manges )(?<!mangez )(?<!donc )(?:de la|d'la) (?:marde|merde)",
    r"c'est (?:poche|plate)",
    r"(?:c'est|ca prend|c'etait) (?:ben |trop |tellement |vraiment |full )?long(?:ue)?",
    r"service (?:client )?(?:nul|lamentable|catastrophique|pourri|horrible)|pourri(?:e|s|es|ture)?",
    r"(?:service|organisme|app|appli|application|site|systeme|programme|clinique|gouvernement"
    r"|hopital|compagnie|affaire) de (?:marde|merde)",
    r"(?:can't|cant|cannot|couldn't|couldnt) even (?:answer|reply|respond|call|send|get|do)",
    r"(?:facture|debite|preleve)\w* (?:deux|2) fois",
    # English
    r"disappoint\w*|unacceptable|outrageous",
    r"still (?:waiting|nothing|no (?:answer|reply|response|news|update|word|refund|sign)"
    r"|not (?:received|fixed|working|resolved|answered|here|arrived|delivered|refunded)"
    r"|(?:haven't|havent|hasn't|hasnt) (?:received|got|gotten|heard|been|had))",
    r"(?:never|haven't|havent|didn't|didnt) (?:received|got|gotten|heard back)",
    r"(?:been|keep|kept) waiting",
    r"waiting (?:for|since) (?:\w+ )?(?:days|weeks|months|ages|hours|forever)",
    r"worst|money back|charged (?:me )?twice|overcharged",
    r"(?:my|a|the|our|full|no) refund|refund (?:me|us|my)|(?:never|not|haven't|hasn't|didn't"
    r"|still no|wasn't) (?:been )?refunded",
    r"(?:you|they|y'all) (?:never|don't|dont|do not|didn't|didnt) (?:reply|answer|respond"
    r"|call back|get back|pick up)",
    r"(?:nobody|no one|noone) (?:ever )?(?:answers|responds|replies|picks up|calls back)",
    r"(?:hasn't|hasnt|has not|haven't|havent|nobody has|no one has) (?:anyone |anybody"
    r" |someone )?(?:called|gotten|got|replied|answered|responded|contacted|emailed|written)"
    r"(?: (?:me|us))?(?: back)?",
    r"it's been (?:two|three|four|five|six|several|many|\d+|a few) (?:days|weeks|months)",
    r"(?:wait|waiting|waited) (?:\d+|two|three|four|five|six|several|many) (?:hours|days"
    r"|weeks|months)",
    r"(?:not|isn't|isnt|doesn't|doesnt|does not|stopped|never) work(?:ing|s)?",
    r"(?:keeps?|kept) crashing|(?:app|site|website|page|form|link) (?:crashed|crashes|is broken"
    r"|is down)",
    r"scam\w*|rip[- ]?off|fraud\w*",
    r"(?:no|zero|without) (?:response|reply|answer|follow[- ]up)",
    r"(?:nobody|no one|noone) (?:answers|responds|replied|answered|responded|called back)",
    r"ignor(?:ed|ing) (?:me|us|my|our)",
    r"fed up|sick of|tired of waiting",
    r"ridiculous|useless|pathetic|shameful|disgrace\w*",
    r"(?:poor|bad|terrible|awful|horrible|lousy) (?:service|support|customer service"
    r"|experience|communication)",
    r"complain\w*|complaint|thanks? (?:you )?for nothing|never again",
    r"let (?:me|us) down|let down",
)

PRAISE: tuple[str, ...] = (
    # "merci de me répondre" is a polite demand, "merci pour rien" sarcasm.
    r"merci(?! pour rien)(?! (?:de|d') ?(?:me |m'|nous |bien vouloir|corriger|repondre"
    r"|rembourser|regler|verifier|envoyer|rappeler|contacter))",
    r"mille mercis?|bravo|felicitations?|chapeau|genia(?:l|le|les|ux)|excellent(?:e|es|s)?",
    r"formidables?|magnifiques?|merveilleu(?:x|se|ses)|parfait(?:e|es|s)?|superbes?",
    r"(?:so )?(?:glad|happy|heureux|heureuse|content|contente) (?:you're|that you|you are|que"
    r" vous|de voir)",
    r"j'adore|on adore|adore",
    r"(?:trop|tellement|vraiment|tres|super|hyper) (?:bien|bon|bonne|cool|beau|belle|utile"
    r"|interessant|interessante|important|inspirant|inspirante|touchant|touchante)",
    r"(?:c'est|au|trop|vraiment|tres|juste|super) top",
    r"super(?= ?(?:$|[!.,;:)\n]|merci|bravo|boulot|travail|job|initiative|idee|info|contenu"
    r"|video|post|article|campagne|equipe|service|content|contente|utile|bien|cool|top"
    r"|interessant|important|inspirant))",
    r"bien joue|(?:beau|bon) (?:travail|boulot|projet)|(?:bonne|belle) (?:job|initiative"
    r"|campagne)",
    r"continuez|lachez pas|lache pas|reconnaissante?s?|inspirante?s?|touchante?s?",
    r"(?:vous etes|t'es|tu es) (?:les |la |le )?(?:meilleure?s?|best)",
    # English
    r"(?:thank you|thanks|thank u|thx|tysm|many thanks)(?! for nothing)",
    r"kudos|well done|amazing|awesome|wonderful|fantastic|brilliant|life ?saver",
    r"great (?:job|work|post|info|initiative|campaign|content|video|article|read|idea"
    r"|stuff|team|service)|good (?:job|work)",
    r"(?:this is|that's|thats|so|really|very) (?:great|helpful|useful|good|amazing|awesome"
    r"|cool|inspiring|important)",
    r"(?:i|we) (?:really |absolutely |just |so )?lov(?:e|ed)(?! to(?!\w))",
    r"lov(?:e|ed|ing) (?:this|it|that|your|you|the|these|how|what)",
    r"(?:much|lots of|so much|sending) love",
    r"appreciat\w*|grateful|thankful|helpful|keep it up|keep up the (?:good|great) work",
    r"(?:you|you're|youre|you guys|y'all) (?:are )?(?:the best|rock|rocks)",
    r"god bless|bless you",
    r"(?:la |le |les )?meilleure?s? (?:clinique|equipe|service|organisme|initiative|programme"
    r"|page|atelier|app|application|ressource|video|infirmieres?|intervenante?s?)"
    r"|best (?:clinic|team|service|program|page|workshop|app|resource|video|nurses?|staff"
    r"|support|group) (?:ever|in town|around|out there)",
    r"c'est (?:trop |vraiment |tellement |full )?malade(?! de| mental)|malade comme"
    r" (?:initiative|idee|projet|video|job|contenu)",
    r"grace a (?:vous|toi|votre|ton|vos|tes|l'equipe)|thanks to (?:you|your|the team)",
    r"(?:beautiful|lovely|great|wonderful|nice) (?:[^\W_]+ ){0,2}?(?:video|post|content|message"
    r"|work|initiative|campaign|idea|team|article|session|workshop|program)",
    r"(?:belle|beau|magnifique|superbe) (?:video|initiative|campagne|publication|message|equipe"
    r"|atelier|projet|travail)",
    r"(?:this is|that's|thats|it's|its|so) (?:sick|fire|lit|dope)",
    r"(?:travail|job|boulot|work|equipe|team) (?:extraordinaire|incroyable|remarquable"
    r"|exceptionnel\w*|phenomenal)|(?:extraordinary|incredible|phenomenal|remarkable|exceptional"
    r"|fabulous|outstanding) (?:work|job|team|people|staff)",
    r"(?:it was|c'etait|was) (?:so |really |vraiment |tellement |trop )?(?:great|amazing|awesome"
    r"|wonderful|fantastic|genial|super|excellent|parfait|top|incroyable|incredible)",
    r"(?:^|(?<=[.!?\n]) *)(?:loved?|loving|adored?)(?! to)",
    r"(?:you're|you are|ur|you guys are|y'all are) (?:killing|crushing|nailing) it",
    # a few words in the other languages the audience writes in
    r"(?:muchas )?gracias|danke\w*|vielen dank|grazie|obrigad[oa]|dank je|tack sa mycket"
    r"|dziekuje|excelente|felicidades|bellissim\w*|me encanta|adorei|muy buen\w*|muito bom"
    r"|sehr gut|(?:ist|so|echt|sehr) toll|que (?:bonito|buena|bueno|lindo)|lo mejor",
)

QUESTION: tuple[str, ...] = (
    # interrogative words opening a sentence
    r"(?:^|(?<=[.!?\n])) *(?:comment|pourquoi|quand(?! (?:je|j'|on|tu|il|elle|nous|vous|ils"
    r"|elles|c'est|meme|ca|t'))|combien|(?:quel|quelle|quels|quelles)(?! (?:perte|honte|gachis"
    r"|horreur|blague|belle|beau|bonne|bon|joie|plaisir|bonheur|dommage|desastre|farce|merveille"
    r"|bande|gang|gagne"
    r"|magnifique|superbe|chance)(?!\w))|est[- ]ce|what's|whats|where's|wheres|when's|whens"
    r"|who's|how's|hows"
    r"|how(?! (?:amazing|great|cool|nice|sweet|beautiful|wonderful|awesome|lovely|sad|awful"
    r"|terrible|kind|cute|brave|inspiring|dare)(?!\w))|what(?! an?(?!\w))"
    r"|where(?! (?:i|we|you|they)(?!\w))"
    r"|when(?! (?:i|we|you|they|he|she|my|our|people|someone|it)(?!\w))|why|who|which|can"
    r"|could|is|are|do(?! (?:not|it|better|something|more|less|the math|your (?:research"
    r"|homework|job))(?!\w))|does|did"
    r"|should|anyone|any)",
    # French anywhere
    r"est[- ]ce (?:que|qu'|qu)|qu'est[- ]ce|pourquoi|combien",
    # 0.6.0: asking without a question mark ("je sais pas si je dois", "c'est gratuit ou faut
    # payer"); "je sais pas quoi faire" alone is labeled both ways, so it is left out
    r"(?:je|j') ?(?:sais|sait|sai) (?:pas|pu|plus) si (?:je|j') ?(?:dois|devrais|peux)"
    r"(?! rire)|je fais quoi(?! de ma vie)|on fait quoi|what do i do(?! (?:for a living|with"
    r" myself all day))",
    r"c'?tu(?!\w)(?! (?:assez|moi ou|pas assez|pas beau|beau|cute))|(?:c'est|cest|c) [\w']+ ou"
    r" (?:(?:il )?faut \w+|pas|non|payant|gratuit)(?= ?(?:$|[?\n]))",
    r"c'est quoi|cest quoi|c quoi|c koi|ckoi|c'est koi|kosse|qu'osse",
    # inversion ("y a-t-il", "puis-je") and Quebec "-tu" ("c'est-tu", "ça marche-tu"); "-vous"
    # is an imperative too ("inscrivez-vous"), so only listed verbs count
    r"[^\W_]+-(?:t-)?(?:tu|il|elle|on|je|ils|elles)",
    r"(?:avez|aviez|pouvez|pourriez|savez|sauriez|etes|etiez|voulez|voudriez|connaissez|pensez"
    r"|croyez|devez|auriez|seriez|comptez|offrez|acceptez|proposez|allez)-vous",
    r"savez vous|sais tu|je me (?:demande|demandais)",
    r"(?:quelqu'un|qqn|quelqu'un d'autre) (?:sait|saurait|a|peut|connait|pourrait)",
    r"comment (?:faire|on|je|j'|puis|peut|peux|est|s'|obtenir|trouver|avoir|acceder|savoir"
    r"|ca|prendre|participer|contacter|joindre)",
    r"c'est tu|(?:ya|y'a|y a) tu",
    r"comment(?= ?(?:$|[.!?\n]))|(?:c'est|cest|c) (?:quand|ou|combien|qui|quoi)(?!\w)",
    # English anywhere
    r"can (?:i|we|you|someone|anyone|u)|could (?:you|u|i|someone|anyone)",
    r"(?:does|do) (?:anyone|anybody|someone|you know)",
    r"anyone (?:know|knows|else|have|has|tried)",
    r"any (?:idea|ideas|info|update|updates|news|advice|tips)",
    r"i(?: was)? wonder(?:ing)?",
    r"(?<!on )(?<!about )(?<!sur )how (?:do|can|does|did|to|long|much|many|often|soon|come)",
    r"where (?:can|do|is|are|should|does)|when (?:is|are|will|does|do|can|should|did)",
    r"what (?:is|are|time|does|do|should|about|if|happens)",
    r"is (?:it|there|this) (?:possible|free|safe|normal|ok|okay|true|available|open)",
    r"is there (?:a|an|any)",
)
# 0.6.0: questions that ask nothing ("are you kidding me", "could this line be any longer",
# "t'es débile ou quoi", "what would we do without you"), and sentences that exclaim ("?!"):
# the guide says they are not questions, and they were most of heldout6's false questions.
QUESTION_RHETORICAL: tuple[str, ...] = (
    r"(?:are|r) (?:you|u) (?:kidding|serious|joking|for real)(?! about)|(?:you|u) (?:kidding"
    r"|joking) me|(?:you|u) must be joking|is this a joke(?! or)|(?:tu|vous) (?:veux|veut"
    r"|voulez) rire de (?:moi|nous)|tu me niaises|vous me niaisez|c'est une (?:blague|joke)"
    r"(?! ou)",
    r"why (?:am i|do i) (?:like this|do this to myself)|pourquoi je (?:suis|me fais|fais)"
    r" (?:comme ca|ca a moi|meme pas)|(?:meme pas|not even) surprise?s?",
    r"could (?:this|it|that|they|you|he|she|i|the \w+|this \w+) (?:\w+ ){0,2}?be any (?:more"
    r"|less|worse|longer|slower|ruder|dumber|louder|funnier|cuter|sweeter|harder)(?!\w)(?! than)",
    r"what would (?:we|i|you|they) do without|qu'est-ce (?:qu'on|que je|que l'on|que"
    r" j') ?(?:ferait|ferais) sans|que (?:ferions|ferait|ferais)-(?:nous|on|je) sans",
    r"how (?:is|are|was) (?:it|this|that|they|these|you|she|he|a \w+|this \w+|the \w+) so"
    r" (?:cute|wholesome|beautiful|good|adorable|amazing|funny|relatable|perfect|true|real"
    r"|pretty|sweet|smart|talented)(?!\w)",
    r"did (?:you|u) know(?! (?:if|whether|when|where|what|how|who|why|wether|about))"
    r"|le saviez-vous"
    r"|let that sink in",
    r"(?:t'es|tes|tu es|vous etes|ils sont|elles sont|sont) (?:\w+ )?(?:debiles?|cons?"
    r"|connes?|idiote?s?|malades?|fou|folle|serieux|serieuse|aveugles?|sourde?s?|caves?|niaiseux"
    r"|niaiseuse|stupides?|tares?|taree?s?) ou quoi(?= ?(?:$|[?!.]))",
    r"who (?:even|tf|the hell|the fuck)(?! (?:do|does|did|is|are|was|should|can|will|would)"
    r" )",
)
# "Y'a tu quelqu'un qui lit ça? Non, évidemment.": a question its writer answers.
_SELF_ANSWER_RE = re.compile(
    r"^ *(?:(?:non|no|nope|jamais|never)[,.]? (?:evidemment|bien sur|of course|obviously"
    r"|comme d'hab\w*|as usual|apparemment|apparently|toujours rien|still nothing)[ .!]*)$"
)
# "Et que fait le gouvernement ? Rien.": a bare "nothing" answers only who does or cares
_SELF_ANSWER_NOBODY_RE = re.compile(r"^ *(?:rien|nothing|personne|nobody|nada|que dalle)[ .!]*$")
_ASKS_WHO_ACTS_RE = re.compile(
    r"(?<!\w)(?:fait|font|does|do|cares?|lit|lisent|reads?|repond\w*|answers?|listens?|ecoute\w*)"
    r"(?!\w)"
)
_EXCLAIMED_RE = re.compile(r"\?+!|!+\?")
_SENTENCE_WITH_END_RE = re.compile(r"[^.!?\n]*(?:[.!?\n]+|$)")
_CLAUSE_WITH_END_RE = re.compile(r"[^,]*(?:,+|$)")

# "où" is only a question word with its accent; "ou" means "or".
QUESTION_OU = _gated(
    r"(?:^|(?<=[.!?\n])) *où(?!\w)|(?<!\w)où (?:est|sont|trouver|puis|peut|peux|faut|aller"
    r"|acheter|avoir|obtenir|se trouve|s'inscrire|on)(?!\w)"
)

REQUEST: tuple[str, ...] = (
    r"svp|stp|s'il (?:vous|te) plait|sil vous plait|please|pls|plz",
    r"merci de (?:me|m'|nous|bien vouloir)",
    r"(?:tu|vous|on) (?:peux|peut|pourrais|pourrait|pouvez|pourriez) (?:me |m'|nous )?(?:envoyer"
    r"|aider|dire|expliquer|confirmer|rappeler|contacter|indiquer|donner|repondre|verifier"
    r"|corriger)",
    r"(?<!vous )(?:faites|ajoutez|mettez|publiez|partagez|envoyez|organisez|offrez|postez"
    r"|creez|proposez|traduisez) (?:une?|des|plus d'|plus de|d'autres|la|le|les|vos|votre)",
    r"(?:^|(?<=[.!?\n]) *)(?:please )?(?:make|add|post|share|send|put|bring|create|organize"
    r"|offer|consider|include|translate|upload) (?:a|an|the|some|more|another|it|them|your"
    r"|this|us|me)",
    r"(?:contactez|appelez|rappelez|ecrivez|joignez)[- ]moi|(?:call|contact|email|text) me"
    r" (?:back|at|asap|please|when)",
    r"(?:puis-je|pourrais-je|could i|can i|may i) (?:parler|speak|talk) (?:a|to|with)"
    r"|(?:j'aimerais|je voudrais) parler",
    r"(?:we'd|we would|i'd|i would) love to have|demande d'entrevue|interview request"
    r"|request (?:for )?an interview",
    r"(?:je |j')(?:voudrais|aimerais|souhaiterais|souhaite)",
    r"(?:i'd|i would|we'd|we would) (?:like|love) to (?:know|get|have|receive|ask|book|request"
    r"|see|register|sign up|join|enroll|schedule|make|speak|talk|cancel|change)",
    r"(?:can|could|would) (?:you|u|someone|anyone) (?:please |pls |plz )?(?:send|help|tell"
    r"|share|post|add|check|fix|contact|call|dm|message|explain|confirm|update|look|make"
    r"|remove|delete|change|organize|translate|offer|include|upload)",
    r"(?:pouvez|pourriez|pourrais|peux|peut)[- ](?:vous|tu|on) (?:me |m'|nous )?(?:envoyer"
    r"|aider|dire|expliquer|confirmer|rappeler|contacter|indiquer|donner|repondre|verifier"
    r"|corriger|ajouter|mettre|faire|publier|partager|offrir|organiser|poster|changer|modifier"
    r"|annuler|retirer|supprimer|traduire)",
    r"aidez[- ](?:moi|nous)|help me|help us|besoin d'aide|need help",
    r"(?:need|besoin d'|besoin de) (?:help|aide|information|info|infos|un rendez-vous|un rdv)",
)
PRESS: tuple[str, ...] = (
    r"recherchiste|relationniste|porte-parole|spokesperson|(?:i'm|im|je suis) (?:a |an |une? )?"
    r"(?:producer|productrice|producteur|reporter)|reporter here|entrevue(?! d'embauche)",
    r"journalist\w*|journaliste\w*|redaction|redacteur|redactrice",
    r"(?:demande|request|requete) (?:d'|de |for )(?:an? )?(?:entrevue|interview|commentaire"
    r"|comment|entretien)",
    r"interview (?:request|inquiry)|media (?:inquiry|inquiries|request)",
    r"press (?:inquiry|inquiries|request|contact|office)|attachee? de presse",
    r"relations? (?:avec les )?(?:medias|presse)",
)
MEDICAL: tuple[str, ...] = (
    r"fievre|fever|nause\w*|vomi\w*|diarrh\w*|mal (?:a la|au|aux) (?:tete|ventre|coeur|dos"
    r"|gorge|poitrine)|maux de (?:tete|ventre)|headaches?|migraines?|chest pain|douleurs?"
    r" (?:thoracique|a la poitrine)|vertiges?|dizz\w*|etourdi\w*|essouffl\w*|short(?:ness)? of"
    r" breath|reactions? allergiques?|allergic reactions?|enfle\w*|enflure|gonfle\w*|swelling"
    r"|swollen|rougeurs?|redness|sore arm",
    r"(?:alcool|alcohol|drink|boire|prendre|take|mix) (?:[^\W_]+ ){0,3}?(?:apres|after|avec"
    r"|with) (?:le |la |the |mon |ma |my |mes )?(?:vaccin|vaccine|shot|dose|medicament"
    r"|medication|meds|pills?|traitement|treatment|antibiotiques?|antibiotics|antidepresseurs?"
    r"|antidepressants?)",
    r"effets? (?:secondaires?|indesirables?)|side[- ]?effects?",
    r"posologie|dosages?|(?:quelle|what|which) (?:dose|dosage)",
    r"ordonnance\w*|prescription\w*|contre[- ]indication\w*|contraindication\w*",
    r"interactions? medicamenteuses?|drug interactions?",
    r"symptome\w*|symptom\w*|allergi\w*",
)

_VACCINE = r"(?:vaccin\w*|vaccine\w*|vax\w*|(?:le|the|flu) shot|arnm|mrna)"
MISINFORMATION: tuple[str, ...] = (
    rf"{_VACCINE} (?:\S+ ){{0,3}}?(?:autism\w*|autisme|puces?|microchips?|chips?|5g|adn|dna"
    r"|sterili\w*|poison\w*|genocide|depopulation|tue|tuent|kill|kills)",
    rf"{_VACCINE} (?:\S+ ){{0,3}}?(?:donne|gives?|causes?|provoque)(?: you)? (?:la |the )?"
    r"(?:grippe|flu|covid)",
    r"(?:covid|virus|pandemie|pandemic|corona\w*) (?:\S+ ){0,3}?(?:hoax|canular|fake"
    r"|mensonge|juste une grippe|just (?:a|the) flu|plandemi\w*|n'existe pas|doesn't exist|5g)",
    r"(?:cures?|cured|guerit|guerir|gueri|guerissent|soigne) (?:le |la |l'|the )?(?:cancer"
    r"|autism\w*|autisme|diabete|diabetes|covid|sida|aids|depression)",
    r"(?:chemo\w*|chimio\w*) (?:\S+ ){0,3}?(?:kills|tue|poison)",
    r"big pharma|les pharmas?|(?:les medecins|doctors) (?:vous le cachent|nous le cachent|hide"
    r" it|don't want you to know)|(?:vous|nous) (?:le )?cachent",
    r"(?:masks?|masques?) (?:cause|causes|causent|provoquent) |oxygen deprivation|manque"
    r" d'oxygene",
    r"fluor\w* (?:\S+ ){0,6}?(?:docile\w*|poison\w*|controle\w*|control)",
    r"do your (?:own )?research|faites vos recherches",
)

# --------------------------------------------------------------------- compiled regexes


def _compile(fragments: Iterable[str]) -> GatedPattern:
    """One alternation that starts and ends on word edges (see ``alternation.WORD_END``)."""
    return _GATE.add(word_alternation(fragments))


def _dispatched(fragments: Sequence[str]) -> GatedPattern:
    """The same, grouped by first character (see alternation.py)."""
    return _GATE.add(dispatched_alternation(fragments), same_as=word_alternation_source(fragments))


# The largest alternation, split by first character: 85 -> 38 µs a comment (0.6.0).
_CRISIS_DIRECT_RE = _dispatched(CRISIS_DIRECT)
_CRISIS_TOPIC_RE = _compile(CRISIS_TOPIC)
_CRISIS_INFORMATIONAL_RE = _compile(CRISIS_INFORMATIONAL)
_CRISIS_DEATH_RE = _compile(CRISIS_DEATH)
_CRISIS_DESPAIR_RE = _compile(CRISIS_DESPAIR)
_CRISIS_MEANS_RE = _compile(CRISIS_MEANS)
_CRISIS_DESPAIR_STRONG_RE = _compile(CRISIS_DESPAIR_STRONG)
_CRISIS_FIGURATIVE_RE = _compile(CRISIS_FIGURATIVE)
_CRISIS_MEANS_AT_HAND_RE = _compile(CRISIS_MEANS_AT_HAND)
_CRISIS_INTENT_CUES_RE = _compile(CRISIS_INTENT_CUES)
_CRISIS_HARMLESS_RE = _compile(CRISIS_HARMLESS)
_CRISIS_SIGNALS_RE = {
    kind: tuple(_compile(fragments) if fragments else None for fragments in strengths)
    for kind, strengths in CRISIS_SIGNALS.items()
}
# Most messages hold no signal at all: one scan for any of them first (7 scans -> 1).
_ANY_CRISIS_SIGNAL_RE = _dispatched(
    [f for strengths in CRISIS_SIGNALS.values() for fragments in strengths for f in fragments]
)
_HARASSMENT_RE = _compile(HARASSMENT)
_HATE_RE = _compile(HATE)
_ABUSE_ALWAYS_RE = _compile(ABUSE_ALWAYS)
_ABUSE_NOUNS_RE = _compile(ABUSE_NOUNS)
_ABUSE_ADJECTIVES_RE = _compile(ABUSE_ADJECTIVES)
_SACRES_RE = _compile(SACRES)
_ABUSE_TARGET_RE = _compile(ABUSE_TARGET)
_SACRE_POSSESSIVE_RE = _compile(SACRE_POSSESSIVE)
_ABUSE_PREDICATE_RE = _compile(ABUSE_PREDICATE)
_ABUSE_MILD_RE = _compile(ABUSE_MILD)
_LAUGHTER_RE = _compile(LAUGHTER)
_FRIENDLY_RE = _compile(FRIENDLY)
_SPAM_STRONG_RE = _compile(SPAM_STRONG)
_SPAM_WEAK_RE = _compile(SPAM_WEAK)
_COMPLAINT_RE = _compile(COMPLAINT)
_PRAISE_RE = _compile(PRAISE)
_QUESTION_RE = _compile(QUESTION)
_REQUEST_RE = _compile(REQUEST)
_QUESTION_RHETORICAL_RE = _compile(QUESTION_RHETORICAL)
_PRESS_RE = _compile(PRESS)
_MEDICAL_RE = _compile(MEDICAL)
_MISINFORMATION_RE = _compile(MISINFORMATION)

_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|ly|co|xyz|info|biz|me|link|click|top"
    r"|shop|site|online|app|gg|fr|ca|be|ch|us|uk|tk|ru|cn|live|store|vip|club)"
    r"(?:/[^\s<>\"']*)?(?![\w.-])"
)
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_QUESTION_MARK_RE = re.compile(r"(?<!!)\?(?![?!]*!)")
_ELONGATION_RE = re.compile(r"([^\W\d_])\1{2,}")
_SPACES_RE = re.compile(r"[^\S\n]+")
_NEWLINES_RE = re.compile(r" ?\n\s*")
_SENTENCE_RE = re.compile(r"[.!?;\n]+")
# Negation does not reach across punctuation or a "but".
_CLAUSE_RE = re.compile(
    r"[.!?;:,\n()\u2026]+|(?<!\w)(?:mais|but|however|cependant|pourtant|though|although)(?!\w)"
)
_FR_ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'")
_EN_CONTRACTION_RE = re.compile(r"'(?:t|s|m|re|ve|ll|d)$")
_LOCALE_RE = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_.@]|\s*$)")

_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys("\u2019\u2018\u02bc\u2032`\u00b4", "'"),
        **dict.fromkeys("\u2010\u2011\u2012", "-"),
        # Dashes used as punctuation separate clauses like a comma does.
        **dict.fromkeys("\u2013\u2014", ","),
        # Zero-width characters are a classic way to slip "b\u200bitcoin" past filters.
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)


# ------------------------------------------------------------------------ normalisation


@dataclass(frozen=True, slots=True)
class _Text:
    original: str
    lower: str  # lowercase with accents, URLs removed
    folded: str  # lowercase, no accents, elongations kept
    short: str  # folded, elongations collapsed to one letter ("nuuuul" -> "nul")
    double: str  # folded, elongations collapsed to two ("goooood" -> "good")
    urls: tuple[str, ...]
    # Computed once here rather than by every rule that reads them.
    variants: tuple[str, ...]  # short and double, without repeats
    spam_variants: tuple[str, ...]  # the variants and the URLs


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _squash(text: str) -> str:
    return _NEWLINES_RE.sub("\n", _SPACES_RE.sub(" ", text)).strip()


# Every combining mark, deleted by str.translate in C (a Python loop over the characters
# cost 15 µs a comment).
_STRIP_COMBINING = dict.fromkeys(
    (code for code in range(0x110000) if unicodedata.combining(chr(code))), None
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():  # nothing to strip
        return _squash(decomposed)
    return _squash(decomposed.translate(_STRIP_COMBINING))


# Crisis phrases of the audience's other languages (0.8.0, 0.9.0): see world_crisis.py.


def _as_read(phrase: str) -> str:
    """A phrase the way ``_prepare`` reads text: zero-width characters dropped, folded."""
    return _fold(_squash(phrase.translate(_TRANSLATION).lower()))


def _either(words: Iterable[str], *, toned: bool = False) -> str:
    """An alternation of ``words`` as read, and as written too if ``toned`` (see TONED)."""
    forms = {_as_read(w) for w in words}
    if toned:
        forms |= {unicodedata.normalize("NFC", w.lower()) for w in words}
    return "|".join(re.escape(w) for w in sorted(forms, key=lambda w: (-len(w), w)))


def _phrases(phrases: Iterable[str], edges: bool, unless: str = "") -> GatedPattern:
    """One pattern for literal phrases, read as the text is, not followed by ``unless``."""
    escaped = [
        re.escape(p) + unless
        for p in sorted({_as_read(p) for p in phrases}, key=lambda p: (-len(p), p))
    ]
    # Grouped by first character (see alternation.py): a thousand phrases, tried at each
    # word start, are most of the cost of a comment otherwise.
    if edges:
        return _dispatched(escaped)
    return _gated("|".join(escaped))


def _ascii(phrase: str) -> bool:
    return _as_read(phrase).isascii()


def _word(words: Iterable[str]) -> str:
    return rf"(?:{_either(words)})(?!\w)"


_UNLESS_NEGATION_AFTER = rf"(?! {_word(world_crisis.NEGATIONS_AFTER)})"
_UNLESS_GLUED_NEGATION_AFTER = rf"(?!{_either(world_crisis.NEGATIONS_GLUED_AFTER)})"
_UNLESS_PLACE_AFTER = (
    rf"(?! {_word(world_crisis.PLACES_AFTER)}(?! {_word(world_crisis.DEMONSTRATIVES)}))"
)
_LIVE = tuple(_as_read(stem) for stem in world_crisis.LIVE_STEMS)


def _world_patterns(phrases: Sequence[str]) -> tuple[GatedPattern, ...]:
    """The phrases in three patterns: negated after them, "live" before a place, the rest."""
    negated_after = [p for p in phrases if p in world_crisis.NEGATED_AFTER]
    read = {p: _as_read(p) for p in phrases}  # once a phrase, not once a stem
    lives = [p for p in phrases if p not in negated_after and any(s in read[p] for s in _LIVE)]
    others = [p for p in phrases if p not in lives and p not in negated_after]
    groups = (
        (others, ""),
        (lives, _UNLESS_PLACE_AFTER),
        (negated_after, _UNLESS_NEGATION_AFTER),
    )
    return tuple(_phrases(group, edges=True, unless=unless) for group, unless in groups if group)


# Phrases of Latin letters (once folded) are read in every comment; the others (Arabic,
# Cyrillic, Devanagari... and Vietnamese's đ) only in a comment that has such a letter once
# folded: most comments are ASCII then, and a thousand phrases' lookaheads cost them 9 µs.
_WORLD_SPACED = (*world_crisis.SPACED, *world_crisis.SAFER, *world_crisis.NEGATED_AFTER)
_WORLD_CRISIS_LATIN_RES = _world_patterns([p for p in _WORLD_SPACED if _ascii(p)])
_WORLD_CRISIS_OTHER_RES = (
    *_world_patterns([p for p in _WORLD_SPACED if not _ascii(p)]),
    _phrases(
        (*world_crisis.UNSPACED, *world_crisis.SAFER_UNSPACED),
        edges=False,
        unless=_UNLESS_GLUED_NEGATION_AFTER,
    ),
)
# Vietnamese written with its tones: folded, "tự tử" (suicide) is "từ từ" (slowly). Read only
# where the folded text has what they fold into.
_WORLD_CRISIS_TONED_RE = _gated(
    "|".join(re.escape(unicodedata.normalize("NFC", p)) for p in world_crisis.TONED)
)
_WORLD_CRISIS_TONED_FOLDED_RE = _gated(_either(world_crisis.TONED))
# A phrase right after one of these words is negated or past ("no me quiero morir").
_NEGATED_BEFORE_RE = re.compile(
    rf"(?:(?<!\w)({_either(world_crisis.NEGATIONS_BEFORE, toned=True)}) +"
    rf"|(?<!{_either(world_crisis.NOT_GLUED_AFTER)})"
    rf"(?:{_either(world_crisis.NEGATIONS_GLUED_BEFORE)}) ?)\Z"
)
_TAK_BEFORE_RE = re.compile(r"(?<!\w)tak +\Z")
_NEGATIONS_ALSO_FR_EN = frozenset(world_crisis.NEGATIONS_ALSO_FR_EN)
_TAK = frozenset(world_crisis.TAK)


def _negated_before(variant: str, match: re.Match[str]) -> bool:
    """Whether a crisis phrase of another language is negated by the word before it."""
    window = max(0, match.start() - 12), match.start()
    if _TAK_BEFORE_RE.search(variant, *window):
        return match.group(0).split(" ", 1)[0] in _TAK
    before = _NEGATED_BEFORE_RE.search(variant, *window)
    if before is None:
        return False
    if before.group(1) not in _NEGATIONS_ALSO_FR_EN:
        return True
    words = _words(match.group(0))
    french_or_english = sum(word in FR_STOPWORDS or word in EN_STOPWORDS for word in words)
    return 2 * french_or_english < len(words)


def _world_crisis(text: _Text) -> tuple[str, ...]:
    read: list[tuple[Scanner, Sequence[str]]] = [
        (pattern, text.variants) for pattern in _WORLD_CRISIS_LATIN_RES
    ]
    if not text.folded.isascii():
        others = [v for v in text.variants if not v.isascii()]
        read += [(pattern, others) for pattern in _WORLD_CRISIS_OTHER_RES]
    if _WORLD_CRISIS_TONED_FOLDED_RE.search(text.folded):
        read.append((_WORLD_CRISIS_TONED_RE, [unicodedata.normalize("NFC", text.lower)]))
    found = [
        match
        for pattern, texts in read
        for match in _matches(pattern, texts, negated=_negated_before)
    ]
    return _unique(found) if found else ()


_KEEP = {1: r"\1", 2: r"\1\1"}


def _collapse(text: str, keep: int) -> str:
    return _ELONGATION_RE.sub(_KEEP[keep], text)


def _prepare(raw: str) -> _Text:
    cleaned = _squash(raw.translate(_TRANSLATION).lower())
    if "." in cleaned or "://" in cleaned:  # every URL the pattern knows has one of them
        urls = tuple(m.group(0) for m in _URL_RE.finditer(cleaned))
        lower = _squash(_URL_RE.sub(" ", cleaned)) if urls else cleaned
    else:
        urls, lower = (), cleaned
    folded = _fold(lower)
    if _ELONGATION_RE.search(folded):
        short, double = _collapse(folded, 1), _collapse(folded, 2)
    else:  # most comments: one scan instead of two substitutions
        short = double = folded
    variants = _unique((short, double))
    return _Text(
        original=raw,
        lower=lower,
        folded=folded,
        short=short,
        double=double,
        urls=urls,
        variants=variants,
        spam_variants=(*variants, _fold(" ".join(urls))),
    )


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


@functools.lru_cache(maxsize=8192)  # common words recur in every message
def _forms(token: str) -> tuple[str, ...]:
    """The spellings a token is looked up under: "goooood" -> "good", "nuuuul" -> "nul"."""
    spellings = _unique((token, _collapse(token, 2), _collapse(token, 1)))
    return _unique((*spellings, *(_FR_ELISION_RE.sub("", s) for s in spellings)))


def _in(token: str, words: frozenset[str]) -> bool:
    return any(form in words for form in _forms(token))


# ----------------------------------------------------------------------------- language


def _primary_subtag(tag: str | None) -> str | None:
    """``fr_CA`` / ``fr-CA`` / ``FR`` -> ``fr``."""
    if not tag:
        return None
    match = _LOCALE_RE.match(tag)
    return match.group(1).lower() if match else None


def _language_signals(text: _Text) -> tuple[int, int, int, int]:
    """(French stopwords and elisions, English stopwords and contractions, accented words,
    foreign words: other languages' function words or letters)."""
    fr = en = foreign = 0
    for token in _words(text.short):
        if token in FOREIGN_STOPWORDS:
            foreign += 1
        # Elisions and contractions hold an apostrophe: the regexes only run on those.
        elif token in FR_STOPWORDS or ("'" in token and _FR_ELISION_RE.match(token)):
            fr += 1
        elif token in EN_STOPWORDS or ("'" in token and _EN_CONTRACTION_RE.search(token)):
            en += 1
    accents = 0
    if text.lower.isascii():  # no accent and no foreign letter to count
        return fr, en, accents, foreign
    for token in _words(text.lower):
        if FOREIGN_LETTERS.intersection(token):
            if _fold(token) not in FOREIGN_STOPWORDS:  # counted above already
                foreign += 1
        elif FR_ACCENTS.intersection(token):
            accents += 1
    return fr, en, accents, foreign


# py3langid ranks all the languages its model knows (0.9.0): restricted to French, English
# and eight neighbours, as before, Turkish, Vietnamese, romanised Hindi or Samoan had to come
# out as one of those ten, often French or English. Over that many languages the probability
# of a foreign comment is spread thin (Italian, Venetian, Ligurian...), so it is the mass left
# to French and English together that decides, not the top language's own.
LANGID_MIN_WORDS = 3  # below this, only the stopwords decide
# Less than this left to French and English together -> "und". Measured on the 5,887 labeled
# comments of 5+ words and 600 in other languages: French and English insults and texting
# with no stopword ("va te pendre sale pd": 0.87-0.90 foreign) stay below it, and all but 7 of
# the 722 foreign comments asked are above it.
LANGID_FOREIGN = 0.9
# Or, as before 0.9.0, one of French's and English's neighbours at least this likely among
# these ten alone (the model's probabilities are a softmax, so restricting them is dividing
# by their sum): short Spanish or Danish ("Saludos desde Colombia") is still told this way.
LANGID_NEIGHBOURS: tuple[str, ...] = ("fr", "en", "es", "pt", "it", "de", "nl", "sv", "da", "pl")
LANGID_NEIGHBOUR_FOREIGN = 0.5
# Below this many words the model's "und" also needs a foreign word or letter: on three or
# four words of slang ("mdr trop vrai", "wanna kms so bad") it spreads its bets as widely.
LANGID_ALONE_MIN_WORDS = 5
LANGID_CLOSE = 0.2  # fr and en closer than this: the stopwords decide
STOPWORDS_CLEAR = 3  # a stopword margin this large overrides the n-gram model


# functools.cache alone lets every thread that arrives before the first load finishes load
# the model too: a worker's activity threads did, at warm-up (seen in a profile).
_LANGID_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Guess:
    """What the rules read of py3langid's probabilities for a text."""

    top: str  # the most likely language
    top_score: float
    near: dict[str, float]  # French, English and their neighbours (LANGID_NEIGHBOURS)


def _langid() -> Callable[[str], _Guess] | None:
    """py3langid's guess, loaded once per process (see :func:`_load_langid`)."""
    with _LANGID_LOCK:
        return _load_langid()


@functools.cache
def _load_langid() -> Callable[[str], _Guess] | None:
    """py3langid's guess; ``None`` if it is not installed.

    Only the 0.4 API (``from_model_file``, temperature-calibrated probabilities) is used: the
    thresholds above were set on its probabilities. Its ``rank`` sorts a dictionary of 97
    languages; the score vector behind it (``_decide``, the same numbers, an alias folded
    into its first column as ``rank`` reads them) is read at a dozen places instead.
    """
    try:
        module = importlib.import_module("py3langid.langid")
    except ImportError:
        return None
    load = getattr(module.LanguageIdentifier, "from_model_file", None)
    if load is None:
        return None
    identifier = load(module.MODEL_FILE, norm_probs=True)
    classes = [str(code) for code in identifier.nb_classes]
    first = {code: classes.index(code) for code in dict.fromkeys(classes)}
    near = [(code, first[code]) for code in LANGID_NEIGHBOURS if code in first]

    def guess(text: str) -> _Guess:
        scores = identifier._decide(text)
        best = int(scores.argmax())  # the first of equals, as rank's stable sort has it
        return _Guess(
            top=classes[best],
            top_score=float(scores[best]),
            near={code: float(scores[column]) for code, column in near},
        )

    return guess


def _stopword_language(french: int, en: int) -> str | None:
    return "fr" if french > en else "en" if en > french else None


def _ngram_language(text: _Text, french: int, en: int, foreign: int) -> tuple[str | None, str]:
    """The n-gram model's say, combined with the stopword counts; (None, "") to abstain."""
    langid = _langid()
    words = len(_words(text.short))
    if langid is None or words < LANGID_MIN_WORDS:
        return None, ""
    by_stopwords = _stopword_language(french, en)
    if abs(french - en) >= STOPWORDS_CLEAR and not foreign:
        # A clear margin decides whatever the n-gram model says, so it is not asked (0.3.1:
        # the same answers, a fifth less time per message; the reason no longer quotes it).
        return by_stopwords, ""
    guess = langid(text.lower)
    top, near = guess.top, guess.near
    elsewhere = 1.0 - near["fr"] - near["en"]
    shown = f"; langid {top} {guess.top_score:.2f}, not fr/en {elsewhere:.2f}"
    nearest = max(near, key=lambda code: near[code])
    if nearest not in ("fr", "en") and near[nearest] >= LANGID_NEIGHBOUR_FOREIGN * sum(
        near.values()
    ):
        return "und", shown
    if elsewhere >= LANGID_FOREIGN and (foreign or words >= LANGID_ALONE_MIN_WORDS):
        return "und", shown
    if top not in ("fr", "en"):
        if by_stopwords:
            return by_stopwords, shown
        return ("fr" if near["fr"] > near["en"] else "en"), shown
    if by_stopwords and abs(near["fr"] - near["en"]) < LANGID_CLOSE:
        return by_stopwords, shown
    return top, shown


# Letters of the Latin script (with its accented forms): most letters outside it are Arabic,
# Cyrillic, Greek, Hebrew, Devanagari, CJK... writing, never French or English (0.6.1).
_LATIN_LETTER_RE = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _mostly_other_script(original: str) -> bool:
    if original.isascii():
        return False
    letters = len(_LETTER_RE.findall(original))
    return letters > 0 and 2 * len(_LATIN_LETTER_RE.findall(original)) < letters


def _language(text: _Text, given: str | None, locale: str | None) -> tuple[str, str]:
    if given and given.strip():
        code = _primary_subtag(given) or given.strip().lower()
        return code, f"lang: {code} (given)"
    if _mostly_other_script(text.original):
        return "und", "lang: und (most letters are of another script than the Latin one)"
    fr, en, accents, foreign = _language_signals(text)
    french = fr + accents
    counts = f"stopwords {fr} vs {en}, accented words {accents}"
    if foreign >= FOREIGN_MIN and foreign > fr + en:
        return "und", f"lang: und (another language: {foreign} foreign words; {counts})"
    guess, shown = _ngram_language(text, french, en, foreign)
    if guess == "und":
        return "und", f"lang: und (another language: {counts}{shown})"
    language = guess or _stopword_language(french, en)
    if language == "fr":
        return "fr", f"lang: fr ({counts}{shown})"
    if language == "en":
        return "en", f"lang: en ({counts}{shown})"
    fallback = _primary_subtag(locale)
    if fallback:
        return fallback, f"lang: {fallback} (no clear signal, author locale {locale!r})"
    return "und", f"lang: und (no clear signal: fr {french} vs en {en})"


# ---------------------------------------------------------------------------- negation


def _negated(before: Sequence[str], head: str, after: Sequence[str]) -> bool:
    """Whether the word ``head`` is negated by the words around it (same clause only)."""
    for index in range(len(before) - 1, -1, -1):
        if _is_negator(before[index]):
            return not any(_in(word, NEGATION_BREAKERS) for word in before[index + 1 :])
    if after and _in(head, POST_NEGATED_VERBS) and after[0] in POST_NEGATORS:
        return True
    return tuple(after[:2]) in SARCASM_TAILS


def _is_negator(token: str) -> bool:
    return _in(token, NEGATORS) or token.endswith("n't")


def _match_negated(text: str, match: re.Match[str]) -> bool:
    # Three words before and two after are all that is read: 200 characters hold them, and
    # splitting the whole rest of the text for every match was quadratic on long input.
    before = _words(_CLAUSE_RE.split(text[max(0, match.start() - 200) : match.start()])[-1])[-3:]
    after = _words(_CLAUSE_RE.split(text[match.end() : match.end() + 200])[0])[:2]
    inside = _words(match.group(0))
    return _negated(before, inside[-1] if inside else "", after)


# ----------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class _Finding:
    category: Category | None  # None: a note for the reasons, not a category
    confidence: float
    reason: str


def _matches(
    pattern: Scanner,
    texts: Iterable[str],
    *,
    negated: Callable[[str, re.Match[str]], bool] | None = None,
) -> tuple[str, ...]:
    """The distinct matches of ``pattern``, without those ``negated`` says are negated."""
    found: list[str] = []
    for text in texts:
        for match in pattern.finditer(text):
            if negated is not None and negated(text, match):
                continue
            found.append(match.group(0).strip())
    return _unique(found) if found else ()


def _quote(matches: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{m}'" for m in matches[:limit])
    return shown + (f" (+{len(matches) - limit})" if len(matches) > limit else "")


def _graded(category: Category, matches: Sequence[str], base: float) -> list[_Finding]:
    """One finding whose confidence grows with the number of distinct matches."""
    if not matches:
        return []
    confidence = min(0.9, base + 0.1 * (len(matches) - 1))
    return [_Finding(category, confidence, f"{category}: matched {_quote(matches)}")]


def _recovered(text: _Text) -> bool:
    """A story told from the other side: "il y a 3 ans je voulais mourir, aujourd'hui...".

    Only what follows the last marker of the present is read for a crisis (0.6.0): "3 years
    ago I had suicidal thoughts every night. Today I'm thriving" is a recovery, "last year my
    dad died. Now I just wish I was dead too" is not."""
    folded = text.short
    if not _CRISIS_PAST_RE.search(folded):
        return False
    markers = list(_CRISIS_RECOVERED_RE.finditer(folded))
    if not markers:
        return False
    now = folded[markers[-1].end() :]
    return not (
        _CRISIS_AGAIN_RE.search(now, within=folded)
        or _CRISIS_DIRECT_RE.search(now, within=folded)
        or _CRISIS_TOPIC_RE.search(_CRISIS_INFORMATIONAL_RE.sub(" ", now))
        or any(s and s.search(now, within=folded) for s, _ in _CRISIS_SIGNALS_RE.values())
    )


def _crisis_cooccurrence(unmasked: Sequence[str], original: str) -> tuple[str, ...]:
    """``death word + despair word`` pairs from sentences with no figurative frame."""
    if CRISIS_FIGURATIVE_EMOJI.intersection(original):
        return ()
    found: list[str] = []
    for variant in unmasked:
        if not (_CRISIS_DEATH_RE.may_match(variant) or _CRISIS_MEANS_RE.may_match(variant)):
            continue
        for sentence in _sentences(variant):
            death = _CRISIS_DEATH_RE.search(sentence, within=variant)
            means = None if death else _CRISIS_MEANS_RE.search(sentence, within=variant)
            if not (death or means) or _CRISIS_FIGURATIVE_RE.search(sentence, within=variant):
                continue
            despair = (_CRISIS_DESPAIR_RE if death else _CRISIS_DESPAIR_STRONG_RE).search(
                sentence, within=variant
            )
            word = death or means
            if despair and word:
                found.append(f"{word.group(0)} + {despair.group(0)}")
    return _unique(found)


def _crisis_means(text: _Text) -> tuple[str, ...]:
    """``means at hand + cue of intent`` anywhere in the message, with no harmless frame."""
    if CRISIS_FIGURATIVE_EMOJI.intersection(text.original):
        return ()
    for variant in text.variants:
        means = _CRISIS_MEANS_AT_HAND_RE.search(variant)
        cue = _CRISIS_INTENT_CUES_RE.search(variant) if means else None
        if means and cue and not _CRISIS_HARMLESS_RE.search(variant):
            return (f"{means.group(0)} + {cue.group(0)}",)
    return ()


def _crisis_signals(text: _Text) -> tuple[str, ...]:
    """A strong signal and one of another kind in the message (see :data:`CRISIS_SIGNALS`)."""
    if not any(_ANY_CRISIS_SIGNAL_RE.search(v) for v in text.variants):
        return ()
    if _laughing(text) or "\U0001f605" in text.original:  # or 😅
        return ()
    strong: dict[str, tuple[str, ...]] = {}
    weak: dict[str, tuple[str, ...]] = {}
    for kind, (strong_re, weak_re) in _CRISIS_SIGNALS_RE.items():
        for pattern, found in ((strong_re, strong), (weak_re, weak)):
            matches = _matches(pattern, text.variants) if pattern is not None else ()
            if matches:
                found[kind] = matches
    for kind, matches in strong.items():
        others = [m[0] for k, m in (*strong.items(), *weak.items()) if k != kind]
        if others:
            return (f"{matches[0]} + {others[0]}",)
    farewells = strong.get("farewell", ())
    return (f"{farewells[0]} + {farewells[1]}",) if len(farewells) >= 2 else ()


# "Everyone at school tells me to go die": reported, the wish is part of the writer's story.
_REPORTED_SPEECH_RE = _gated(
    r"(?:(?:me|m') ?(?:dit|disent|repete|repetent|a dit|ont dit|ecrit|ecrivent|crie)|tells? me"
    r"|told me|telling me|says? to me|said|keeps? (?:telling|saying)|texted me|(?:want|wanna"
    r"|gonna|going|need|have|like) to|wanna|juste?|just)(?: (?:que|that|to))?[ :\"«“,']*$"
)


def _mask_wishes(variant: str) -> str:
    """``variant`` with harassment wished on someone else blanked, unless it is reported."""
    pieces: list[str] = []
    done = 0
    for match in _HARASSMENT_RE.finditer(variant):
        if _REPORTED_SPEECH_RE.search(variant, max(0, match.start() - 30), match.start()):
            continue
        pieces += (variant[done : match.start()], " ")
        done = match.end()
    return "".join(pieces) + variant[done:] if pieces else variant


def _crisis(text: _Text) -> list[_Finding]:
    # The direct phrases hold some of other languages too ("não quero morrer"): negated the
    # same way (0.9.0)
    direct = _matches(_CRISIS_DIRECT_RE, text.variants, negated=_negated_before) or (
        _world_crisis(text)
    )
    # What is said about the subject, or wished on someone else ("tu mérites de crever"), is
    # not the writer's crisis: both are masked before the topic words and pairs are read.
    unmasked = [_mask_wishes(_CRISIS_INFORMATIONAL_RE.sub(" ", v)) for v in text.variants]
    topic = () if direct else _matches(_CRISIS_TOPIC_RE, unmasked)
    paired = () if direct or topic else _crisis_cooccurrence(unmasked, text.original)
    if not (direct or topic or paired):
        paired = _crisis_means(text)
    signals = () if direct or topic or paired else _crisis_signals(text)
    if (direct or topic or paired or signals) and _recovered(text):
        shown = _quote(direct or topic or paired or signals)
        return [_Finding(None, 0.0, f"crisis: ignored {shown} (past, told as recovered)")]
    if direct:
        return [_Finding(Category.CRISIS, 0.9, f"crisis: matched {_quote(direct)}")]
    if topic:
        reason = f"crisis: matched {_quote(topic)} (topic word outside an informational phrase)"
        return [_Finding(Category.CRISIS, 0.7, reason)]
    if paired:
        reason = f"crisis: matched {_quote(paired)} (death word with intent or despair)"
        return [_Finding(Category.CRISIS, 0.6, reason)]
    if signals:
        reason = f"crisis: matched {_quote(signals)} (two kinds of signal: despair, farewell, plan)"
        return [_Finding(Category.CRISIS, 0.6, reason)]
    informational = _matches(_CRISIS_INFORMATIONAL_RE, text.variants)
    if informational:
        return [_Finding(None, 0.0, f"crisis: ignored {_quote(informational)} (informational)")]
    return []


def _harassment(text: _Text) -> list[_Finding]:
    return _graded(Category.HARASSMENT, _matches(_HARASSMENT_RE, text.variants), 0.85)


def _hate(text: _Text) -> list[_Finding]:
    return _graded(Category.HATE, _matches(_HATE_RE, text.variants), 0.8)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_RE.split(text) if s.strip()]


def _targeted_insults(sentence: str, variant: str) -> list[str]:
    """Insults aimed at someone: a second person nearby, or a bare vocative ("Gros cave!").
    ``sentence`` is one of ``variant``'s."""
    nouns = [m.group(0) for m in _ABUSE_NOUNS_RE.finditer(sentence, within=variant)]
    adjectives = [m.group(0) for m in _ABUSE_ADJECTIVES_RE.finditer(sentence, within=variant)]
    sacres = [m.group(0) for m in _SACRES_RE.finditer(sentence, within=variant)]
    if not (nouns or adjectives or sacres):
        return []
    if _ABUSE_TARGET_RE.search(sentence, within=variant):
        return nouns + adjectives + sacres
    found = [m.group(0) for m in _SACRE_POSSESSIVE_RE.finditer(sentence, within=variant)]
    if nouns and len(_words(sentence)) <= 3:
        found += nouns
    return found


def _may_insult(variant: str) -> bool:
    return any(p.may_match(variant) for p in (_ABUSE_NOUNS_RE, _ABUSE_ADJECTIVES_RE, _SACRES_RE))


def _laughing(text: _Text) -> bool:
    return bool(LAUGHTER_EMOJI.intersection(text.original)) or any(
        _LAUGHTER_RE.search(v) for v in text.variants
    )


def _banter(text: _Text, insults: Sequence[str]) -> bool:
    """Only mild insults, next to laughter and a friendly word: friends teasing."""
    if not all(_ABUSE_MILD_RE.fullmatch(insult) for insult in insults):
        return False
    laughing = _laughing(text)
    friendly = bool(FRIENDLY_EMOJI.intersection(text.original)) or any(
        _FRIENDLY_RE.search(v) for v in text.variants
    )
    return laughing and friendly


def _abuse(text: _Text) -> list[_Finding]:
    always = _matches(_ABUSE_ALWAYS_RE, text.variants)
    targeted = _unique(
        (
            *(
                insult
                for v in text.variants
                if _may_insult(v)
                for s in _sentences(v)
                for insult in _targeted_insults(s, v)
            ),
            *_matches(_ABUSE_PREDICATE_RE, text.variants),
        )
    )
    if not (always or targeted):
        return []
    if _banter(text, always + targeted):
        return [_Finding(None, 0.0, f"abuse: ignored {_quote(always + targeted)} (banter)")]
    confidence = 0.85 if always else 0.7
    return [_Finding(Category.ABUSE, confidence, f"abuse: matched {_quote(always + targeted)}")]


def _spam(text: _Text) -> list[_Finding]:
    strong = _matches(_SPAM_STRONG_RE, text.spam_variants)
    weak = _matches(_SPAM_WEAK_RE, text.spam_variants)
    if not text.original.isascii():
        weak += tuple(ch for ch in _unique(text.original) if ch in SPAM_EMOJI)
    links = len(text.urls)
    if strong:
        return [_Finding(Category.SPAM, 0.85, f"spam: matched {_quote(strong + weak)}")]
    if weak and links:
        reason = f"spam: matched {_quote(weak)} with {links} link(s)"
        return [_Finding(Category.SPAM, 0.75, reason)]
    if links >= 2:
        return [_Finding(Category.SPAM, 0.6, f"spam: {links} links")]
    if len(weak) >= 3:
        return [_Finding(Category.SPAM, 0.6, f"spam: matched {_quote(weak)}")]
    return []


def _complaint(text: _Text) -> list[_Finding]:
    matches = _matches(_COMPLAINT_RE, text.variants, negated=_match_negated)
    return _graded(Category.COMPLAINT, matches, 0.6)


def _pieces(pattern: Scanner, text: str) -> list[str]:
    return [piece for piece in pattern.findall(text) if piece.strip()]


def _asks(sentence: str, answer: str, text: str) -> str:
    """What of a sentence may ask something: nothing if it exclaims ("?!") or its writer
    answers it in the next sentence (``answer``), else its clauses that are not rhetorical.
    ``sentence`` is one of ``text``'s."""
    if _EXCLAIMED_RE.search(sentence):
        return ""
    if "?" in sentence and (
        _SELF_ANSWER_RE.match(answer)
        or (_SELF_ANSWER_NOBODY_RE.match(answer) and _ASKS_WHO_ACTS_RE.search(sentence))
    ):
        return ""
    if not _QUESTION_RHETORICAL_RE.search(sentence, within=text):
        return sentence
    clauses = _pieces(_CLAUSE_WITH_END_RE, sentence)
    return "".join(c for c in clauses if not _QUESTION_RHETORICAL_RE.search(c, within=text))


def _asking(text: str) -> str:
    """``text`` without what asks nothing (see :func:`_asks`)."""
    if "?" not in text and "!" not in text and not _QUESTION_RHETORICAL_RE.search(text):
        return text  # most comments: nothing to take out
    sentences = _pieces(_SENTENCE_WITH_END_RE, text)
    following = [*sentences[1:], ""]
    return "".join(_asks(s, nxt, text) for s, nxt in zip(sentences, following, strict=True))


def _question(text: _Text) -> list[_Finding]:
    if "?" in text.short or "!" in text.short or _QUESTION_RHETORICAL_RE.search(text.short):
        variants = tuple(_asking(v) for v in text.variants)
        folded, lower = _asking(text.folded), _asking(text.lower)
    else:  # most comments: nothing that asks nothing, in any of the forms
        variants, folded, lower = text.variants, text.folded, text.lower
    matches = _matches(_QUESTION_RE, variants)
    matches += tuple(m.group(0).strip() for m in QUESTION_OU.finditer(lower))
    # fullwidth marks fold to "?"; "?!" and "!?" exclaim rather than ask
    marks = len(_QUESTION_MARK_RE.findall(folded)) + folded.count("\u00bf")
    if not (matches or marks):
        ignored = _matches(_QUESTION_RHETORICAL_RE, text.variants)
        if ignored:
            return [_Finding(None, 0.0, f"question: ignored {_quote(ignored)} (rhetorical)")]
        return []
    confidence = 0.85 if matches and marks else 0.75 if marks else 0.6
    shown = [*(["'?'"] if marks else []), *(f"'{m}'" for m in _unique(matches)[:4])]
    return [_Finding(Category.QUESTION, confidence, f"question: matched {', '.join(shown)}")]


def _request(text: _Text) -> list[_Finding]:
    return _graded(Category.REQUEST, _matches(_REQUEST_RE, text.variants), 0.6)


def _press(text: _Text) -> list[_Finding]:
    return _graded(Category.PRESS, _matches(_PRESS_RE, text.variants), 0.7)


def _medical(text: _Text) -> list[_Finding]:
    return _graded(Category.MEDICAL, _matches(_MEDICAL_RE, text.variants), 0.6)


def _misinformation(text: _Text) -> list[_Finding]:
    return _graded(Category.MISINFORMATION, _matches(_MISINFORMATION_RE, text.variants), 0.6)


def _praise(text: _Text, others: frozenset[Category]) -> list[_Finding]:
    matches = _matches(_PRAISE_RE, text.variants, negated=_match_negated)
    if matches:
        return _graded(Category.PRAISE, matches, 0.6)
    hearts = (
        ()
        if text.original.isascii()
        else _unique(ch for ch in text.original if ch in POSITIVE_EMOJI)
    )
    # A lone 🙏 or ❤️ is thanks; next to a complaint or a question it is politeness.
    if hearts and not others:
        return [_Finding(Category.PRAISE, 0.5, f"praise: emoji {_quote(hearts)}")]
    return []


_DETECTORS: tuple[Callable[[_Text], list[_Finding]], ...] = (
    _crisis,
    _harassment,
    _hate,
    _abuse,
    _spam,
    _complaint,
    _question,
    _request,
    _press,
    _medical,
    _misinformation,
)
# Spam opens with flattery and questions ("Great post! Want to earn $500/day?"): bait.
_SPAM_BAIT = frozenset({Category.PRAISE, Category.QUESTION, Category.REQUEST})


def _categories_of(findings: Iterable[_Finding]) -> frozenset[Category]:
    return frozenset(f.category for f in findings if f.category is not None)


def _findings(text: _Text) -> list[_Finding]:
    found = [finding for detect in _DETECTORS for finding in detect(text)]
    praise = _praise(text, _categories_of(found))
    if praise and Category.CRISIS in _categories_of(found):
        praise = [_Finding(None, 0.0, "praise: ignored (thanks inside a crisis message)")]
    found += praise
    if Category.SPAM not in _categories_of(found):
        return found
    bait = sorted(c.value for c in _categories_of(found) & _SPAM_BAIT)
    kept = [f for f in found if f.category not in _SPAM_BAIT]
    if bait:
        kept.append(_Finding(None, 0.0, f"spam: ignored {', '.join(bait)} (bait)"))
    return kept


# ---------------------------------------------------------------------------- sentiment


@dataclass(frozen=True, slots=True)
class _Tally:
    total: float = 0.0
    positive: int = 0
    negative: int = 0
    negated: int = 0

    def add(self, weight: float, negated: bool) -> _Tally:
        return _Tally(
            self.total + weight,
            self.positive + (weight > 0),
            self.negative + (weight < 0),
            self.negated + negated,
        )


@functools.lru_cache(maxsize=8192)
def _weight(token: str) -> float:
    for form in _forms(token):
        if form in POSITIVE_WORDS:
            return POSITIVE_WORDS[form]
        if form in NEGATIVE_WORDS:
            return NEGATIVE_WORDS[form]
    return 0.0


def _score_clause(tokens: Sequence[str], tally: _Tally) -> _Tally:
    for i, token in enumerate(tokens):
        weight = _weight(token)
        if weight == 0.0:
            continue
        following = tokens[i + 1 : i + 3]
        if _in(token, INTENSIFIERS) and following and _weight(following[0]) != 0.0:
            continue  # "super déçu": here "super" only strengthens the next word
        if any(_in(t, INTENSIFIERS) for t in tokens[max(0, i - 2) : i]):
            weight *= 1.5
        negated = _negated(tokens[max(0, i - 3) : i], token, following)
        tally = tally.add(-0.75 * weight if negated else weight, negated)
    return tally


def _word_tally(text: str) -> _Tally:
    tally = _Tally()
    for clause in _CLAUSE_RE.split(text):
        tally = _score_clause(_words(clause), tally)
    return tally


def _emoji_counts(original: str) -> tuple[int, int, int]:
    if original.isascii():  # no emoji; the common case, and a scan in C
        return 0, 0, 0
    positive = sum(map(POSITIVE_EMOJI.__contains__, original))
    negative = sum(map(NEGATIVE_EMOJI.__contains__, original))
    sad = sum(map(SAD_EMOJI.__contains__, original))
    return positive, negative, sad


def _sentiment(text: _Text, categories: frozenset[Category]) -> tuple[Sentiment, str]:
    words = _word_tally(text.folded)
    positive, negative, sad = _emoji_counts(text.original)
    raw = words.total + positive - 1.2 * negative - 0.8 * sad
    if text.original.count("!") >= 2:
        raw *= 1.25
    raw += sum(CATEGORY_SENTIMENT_BIAS.get(c, 0.0) for c in categories)
    # Squash into (-1, 1): one plain word gives about 0.45, three about 0.83.
    score = round(max(-1.0, min(1.0, raw / math.sqrt(raw * raw + 4.0))), 3)
    label = (
        SentimentLabel.POSITIVE
        if score >= 0.15
        else SentimentLabel.NEGATIVE
        if score <= -0.15
        else SentimentLabel.NEUTRAL
    )
    reason = (
        f"sentiment: {label} {score:+.2f} (words {words.positive}+/{words.negative}-, "
        f"{words.negated} negated, emoji {positive}+/{negative + sad}-)"
    )
    return Sentiment(label=label, score=score), reason


# -------------------------------------------------------------------------------- risk


def _risk(categories: frozenset[Category]) -> Risk:
    if Category.CRISIS in categories:
        return Risk.CRITICAL
    if categories & {Category.ABUSE, Category.HARASSMENT, Category.HATE}:
        return Risk.HIGH
    if Category.COMPLAINT in categories:
        return Risk.LOW
    return Risk.NONE


def _confidence(findings: Iterable[_Finding]) -> float:
    scored = [f.confidence for f in findings if f.category is not None]
    # Nothing matched: "other" is a guess by elimination.
    return round(max(scored), 3) if scored else 0.3


# -------------------------------------------------------------------------- classifier

# Every lexicon is added: the gate's database builds on a thread, or loads from the cache.
_GATE.start()


def prepare(timeout: float | None = None) -> GateStatus:
    """Wait until the gate skips what cannot match (the rules decide the same before, only
    slower); for a process that wants its first messages at full speed, or a test."""
    return _GATE.wait(timeout)


class MotsClesClassifier:
    """French and English keyword classifier (see the module docstring)."""

    name: str = NAME
    version: str = VERSION

    def __init__(self) -> None:
        self.label = f"{self.name}@{self.version}"

    def classify(self, interaction: Interaction) -> Classification:
        text = _prepare(interaction.text)
        language, language_reason = _language(text, interaction.language, interaction.author.locale)
        findings = _findings(text)
        categories = _categories_of(findings) or frozenset({Category.OTHER})
        sentiment, sentiment_reason = _sentiment(text, categories)
        risk = _risk(categories)
        reasons = (
            language_reason,
            *(f.reason for f in findings),
            *(() if categories != {Category.OTHER} else ("other: no rule matched",)),
            sentiment_reason,
            f"risk: {risk}",
        )
        return Classification(
            language=language,
            sentiment=sentiment,
            categories=categories,
            risk=risk,
            confidence=_confidence(findings),
            classifier=self.label,
            reasons=reasons,
        )
