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
"""

from __future__ import annotations

import math
import re
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

NAME = "mots-cles"
VERSION = "0.1.0"


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

POSITIVE_EMOJI = frozenset("❤♥😍🙏👍😊🥰👏💪😀😃😄😁🤗💕💖💙💚💛💜🧡🤍✨🎉🙌☺🌟😘👌💯")
NEGATIVE_EMOJI = frozenset("😡🤬👎😠💩🤮😤🙄🖕")
SAD_EMOJI = frozenset("😢😭😞😔💔😿🥺☹🙁😥😩😫")
SPAM_EMOJI = frozenset("💰💸🤑📈")

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

_SUICIDE = r"su(?:i?c|is)i?d\w*"  # suicide, suicidé, suicidaire, and the typos sucide, suiside
_SELF_HARM = r"(?:self[- ]?harm\w*|auto-?mutil\w*|scarifi\w*)"
_CRISIS_TOPIC_WORD = rf"(?:{_SUICIDE}|{_SELF_HARM})"

# "jveux", "je veu", "je veut": the spellings of someone typing fast on a phone.
_WANT_FR = (
    r"(?:j'?|ch'?)?(?:veux|veu|veus|veut|voudrais|voulais|voudrait|aimerais|souhaite"
    r"|souhaiterais|prefererais|envie de|besoin de)"
)
_WANT_EN = (
    r"(?:want|wanna|wan|whant|wish|wished|ready|plan|planning|trying|tryna|decided|deserve"
    r"|deserved|would rather|i'd rather|id rather)"
)

CRISIS_DIRECT: tuple[str, ...] = (
    # French: wanting to die, to disappear, to end it
    rf"{_WANT_FR} (?:juste |tellement |vraiment |seulement |simplement |bien )?"
    r"(?:mour+i(?:re?)?(?! de (?:rire|faim|chaud|honte|impatience))"
    r"|crever(?! de (?:faim|chaud|rire))"
    r"|disparaitre(?! de)|en finir|(?:ne )?(?:plus|pu|pus) (?:vivre|exister|etre la)"
    r"|ne plus me reveiller)",
    r"en finir(?! avec (?!(?:la vie|ma vie|tout|moi|ca|cette vie|mes jours)(?!\w)))",
    r"fin a (?:mes jours|ma vie)",
    rf"(?:me|m') ?{_SUICIDE}",
    r"(?:je me fais|me faire|m'etre fait|me suis fait) du mal",
    rf"(?:{_WANT_FR}|vais) me faire mal",
    rf"(?:{_WANT_FR}|vais|pense a|penser a|songe a|pret a|prete a|compte|essaye de"
    r"|essayer de|essaie de|tente de|tenter de|ai essaye de|ai tente de) (?:de )?me "
    r"(?:tuer|tue|suicider|pendre|foutre en l'air|supprimer|noyer|jeter)",
    r"(?:me|m') (?:foutre|fous|fou) en l'air",
    r"(?:m'|me )?(?:ouvrir|ouvre|couper|taillader|trancher) les veines",
    r"me (?:pendre|scarifier|mutiler|taillader|(?:jeter|lancer) (?:sous|du|d'un|par|en bas)"
    r"|(?:sacrer|crisser|garrocher) en bas)",
    r"(?:plus|pu|pus|pas|aucune|perdu|perdue) (?:le |la |l'|d'|de )?(?:gout|envie|force"
    r"|raisons?) (?:de |d')?vivre",
    r"(?:j'?)?(?:veux|veut|peux|peut|sais|voulais) (?:plus|pu|pus|pas) (?:vivre|exister"
    r"|continuer a vivre)",
    r"(?:plus|pu|pas) (?:la force|le courage|l'energie) de (?:continuer|me battre|vivre|tenir)",
    r"personne ne (?:me )?(?:regretter\w*|remarquer\w*|s'en (?:rendrait|apercevrait) compte)"
    r"|si je (?:disparaissais|mourais|n'etais plus la)",
    r"(?:no one|nobody|noone) (?:would|will|'d) (?:miss me|notice|care if i)",
    r"(?:marre|tanne|tannee|fatigue|fatiguee|epuise|epuisee|lasse?|ecoeuree?) de (?:la vie"
    r"|vivre|exister|ma vie|cette vie)",
    r"(?:la|ma) vie (?:n')?a (?:plus|pu|pus|aucun|pas)(?: de)? sens",
    r"(?:idees|pensees) (?:noires|suicidaires|de mort|de suicide)",
    r"mieux sans moi",
    r"(?:suis|etre) (?:un|une) (?:fardeau|poids) pour",
    r"mon dernier message|adieu (?:a tous|tout le monde|le monde|pour toujours)",
    r"(?:avaler|avale|prendre|pris|prends) (?:tous|toutes|toute) (?:mes|les|ma|la) "
    r"(?:medicaments|medocs|cachets|pilules|boite)",
    r"sauter (?:d'un|du|de la|par la|sous le|sous un|en bas d'un|en bas du) (?:pont|toit"
    r"|fenetre|falaise|immeuble|balcon|train|metro)",
    r"(?:jamais|plus|pu|pas) me reveiller",
    r"(?:pense|songe|reflechis) (?:a|au) (?:mourir|en finir|me tuer)",
    # English
    r"(?:kill|kil|killing|killed|hurt|hurting|harm|harming|cut|cutting|off|offing|end|ending"
    r"|shoot|hang|hanging|drown) (?:my ?self|myslef|mysef|meself|mself)",
    rf"{_WANT_EN} (?:to |too |2 )?"
    r"(?:just |really |fucking |honestly )?(?:die|dye|be dead|not exist|not be alive"
    r"|not wake up|disappear(?! from))(?! (?:laughing|of (?:laughter|embarrassment|cringe"
    r"|boredom)))",
    r"wish (?:i (?:was|were) (?:dead|never born)|i had never been born"
    r"|i (?:could|would) (?:just )?(?:die|disappear|sleep forever))",
    r"end (?:it all|my life|my own life|things tonight|it tonight|everything)",
    r"(?:take|taking|end|ending) my (?:own )?life",
    r"(?:no|zero|not a single|no more) reasons? (?:to|for) (?:live|living|go on|stay"
    r"|keep going|be here|stay alive)",
    r"nothing (?:left )?to live for",
    r"(?:don't|dont|do not|no longer|never|didn't|didnt) (?:want|wanna|wish) (?:to |too |2 )?"
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
    r"(?:jump|jumping) (?:off|from|in front of) (?:a|the|this|that) (?:bridge|roof|building"
    r"|cliff|train|car|truck)",
    r"(?:thinking|thought|think) (?:about|of) (?:killing|ending it|ending things|hurting"
    r"|not being here|dying)",
    r"kms|unaliv\w*|sewer ?slide\w*",
)
# Topic words: crisis unless the occurrence sits inside an informational phrase.
CRISIS_TOPIC: tuple[str, ...] = (_CRISIS_TOPIC_WORD,)
# "Campagne de prévention du suicide", "Suicide Squad": the word is about the subject, not
# the writer. The gap words may not be first-person, so "prévention ... je pense au
# suicide" is not swallowed.
_GAP = r"(?:(?!(?:je|j|me|moi|i|my|myself|mon|ma|mes)(?!\w))[^\W_]+ ){0,3}?"
CRISIS_INFORMATIONAL: tuple[str, ...] = (
    rf"(?:prevention|prevenir|sensibilisation|sensibiliser|awareness|lutte contre|taux"
    rf"|statistiques?|statistics|recherche sur|research on) {_GAP}{_CRISIS_TOPIC_WORD}",
    rf"{_CRISIS_TOPIC_WORD} (?:prevention|awareness|squad|bomb\w*|rates?|statistics"
    r"|mission|doors?|research)",
)

HARASSMENT: tuple[str, ...] = (
    r"(?:je vais|j'vais|on va|m'as|je vas) (?:te|vous) (?:tuer|buter|crever|defoncer|frapper"
    r"|retrouver|egorger|fumer|peter la gueule|casser la gueule|faire la peau)",
    r"(?:je|on) (?:sais|sait|connais|connait) ou (?:tu|vous) (?:habites?|habitez|vis|vivez"
    r"|restes?|restez|travailles?|travaillez)",
    r"(?:i'll|i will|ill|im gonna|i'm gonna|i am going to|gonna|we will|we'll) (?:kill|find"
    r"|hurt|get|shoot|stab|beat|destroy) (?:you|u|ya)",
    r"i know where (?:you|u) (?:live|work)",
    r"watch your back",
    r"(?:you're|youre|you are|ur) (?:so )?dead(?: meat)?",
    r"(?:t'es|tu es|vous etes) (?:mort|morts|un homme mort)",
    r"kill (?:your ?self|yourselves|urself|yoself)|kys",
    r"go (?:die|kill yourself|hang yourself)",
    r"(?:hope|wish) (?:you|u) (?:die|rot|get cancer|suffer|burn)",
    r"(?:tue|suicide|pend)[- ]toi",
    r"va (?:donc )?(?:te pendre|te tuer|te suicider)",
    r"(?:^|(?<=[.!?,\n]) ?)(?:va|allez) (?:donc )?(?:crever|mourir)",
    r"(?:j'espere|j'souhaite|je souhaite|jespere) (?:que )?(?:tu |vous |t')?(?:creves?"
    r"|crevez|meurs|mourrez|mourez|vas crever|vas mourir)",
)
HATE: tuple[str, ...] = (
    r"sales? (?:juif|juive|arabe|noir|noire|musulman|musulmane|immigre|immigree|etranger"
    r"|etrangere|pd|pede)s?",
    r"(?:retourne|retournez|rentre|rentrez) (?:dans|chez) (?:ton|votre) (?:pays|bled)",
    r"go back to (?:your|ur) (?:own )?country",
)
ABUSE_ALWAYS: tuple[str, ...] = (
    r"connard\w*|conard\w*|connasse\w*|encul\w*|enfoir\w*|salop(?:e|es|ard|ards|erie)?"
    r"|salaud\w*",
    r"fils de pute|fdp|putes?|ntm|nique (?:ta |sa |vos |votre )?(?:mere|race|gueule|daronne)",
    r"(?:(?:ferme|farme|fermez) )?(?:ta|votre) (?:gueule|yeule|geule)|ftg",
    r"va (?:donc )?(?:chier|te faire (?:foutre|enculer|voir|mettre))",
    r"allez (?:donc )?(?:chier|vous faire (?:foutre|enculer|voir))",
    r"mange[sz]? (?:donc )?(?:d'la|de la|un char de|un char d'|du) (?:marde|merde)",
    r"trou (?:de |d')cul|batard\w*|tete de (?:noeud|con)",
    r"(?:pauvre|gros|grosse|sale|espece de|esti de|maudit|ostie de) (?:con|conne|cons)",
    r"f(?:[u*@#]{1,3}c?|c)k(?:ing|in)? (?:you|u|off|ya|yourself)",
    r"stfu|gtfo|shut (?:the (?:f\w*|hell) )?up|shut it",
    r"asshole\w*|a-hole|arsehole\w*|dick ?head\w*|douche ?bag\w*|bitch\w*",
    r"mother ?f\w*ker\w*|moron\w*|dumb ?ass\w*|jackass\w*|scumbag\w*|retarded",
    r"piece of (?:shit|crap|garbage|trash)|screw (?:you|u)|go to hell|(?:you|u) suck"
    r"|kiss my ass",
)
# Nouns that insult whoever they are said to, even bare ("Idiot !").
ABUSE_NOUNS: tuple[str, ...] = (
    r"idiot\w*|imbecile\w*|cretin\w*|abruti\w*|bouffon\w*|tocard\w*|guignol\w*|caves?"
    r"|niaiseu(?:x|se|ses)|epais|epaisse|loser\w*|twat|prick|wanker|menteu(?:r|rs|se|ses)"
    r"|liars?|hypocrites?|voleu(?:r|rs|se|ses)",
)
# Adjectives that only insult with a target: "vous êtes débiles", not "question débile".
ABUSE_ADJECTIVES: tuple[str, ...] = (
    r"stupid\w*|debile\w*|dumb|pathetic|pathetique\w*|cons?|connes?|fools?|jerks?"
    r"|dumm(?:y|ies)",
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

SPAM_STRONG: tuple[str, ...] = (
    r"free (?:followers|likes|views|subscribers|money|gift ?cards?|iphone|bitcoin|crypto"
    r"|robux|v-?bucks)",
    r"(?:followers|abonnes|likes|vues) (?:gratuits|gratuites|garantis)",
    r"(?:buy|acheter|achetez) (?:des )?(?:followers|likes|abonnes|views|vues)",
    r"dm (?:me )?(?:for|to get|pour)",
    r"(?:send|text|message|write) me (?:a |on )?(?:dm|pm|message|whatsapp|telegram)",
    r"(?:ecris|ecrivez|contacte|contactez)[- ]moi (?:en )?(?:mp|dm|prive|sur whatsapp"
    r"|sur telegram)",
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
    r"(?:\$|€) ?\d[\d,.]*k? (?:a|per|par) (?:day|jour|week|semaine|hour|heure)",
    r"\d[\d,.]*k? ?(?:\$|€|usd|euros?|dollars?) (?:a|per|par) (?:day|jour|week|semaine|hour"
    r"|heure)",
    r"(?:invest|investissez|investir) (?:in|dans|en) (?:crypto\w*|bitcoin\w*|btc|forex"
    r"|nft\w*)",
    r"binary options?|options binaires|onlyfans|0nlyfans",
    r"whats ?app ?:? ?\+?\d|telegram ?:? ?@",
    r"(?:hot|sexy) (?:singles|girls|pics|videos)",
    r"(?:bitcoin|crypto|forex|btc) (?:trading|investment|investissement|profits?|mining"
    r"|signals?|expert|account manager)",
    r"(?:you(?:'ve| have)? won|vous avez gagne|tu as gagne|t'as gagne)",
    r"(?:claim|reclame[rz]?) (?:your|votre|ton) (?:prize|prix|reward|gift|cadeau)",
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
)

COMPLAINT: tuple[str, ...] = (
    # French
    r"decu(?:e|es|s)?|decevant\w*|deception",
    r"inacceptable|inadmissible|intolerable",
    r"toujours (?:pas|rien|aucun\w*|pu|en attente)",
    r"(?:aucune|pas de|sans|jamais eu de|pas eu de) (?:reponse|retour|nouvelles?)",
    r"personne (?:ne )?(?:repond|m'a repondu|me repond|nous repond)",
    r"rembours\w*|arnaque\w*|escroc\w*|escroquerie",
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
    r"(?:chu|suis|on est|je suis|sommes) (?:ben |vraiment |full |tellement )?tanne\w*",
    r"(?:pas|pu) d'allure|niais(?:er|age|ez|ent)|(?:de la|d'la) (?:marde|merde)",
    r"c'est (?:poche|plate)",
    r"(?:c'est|ca prend|c'etait) (?:ben |trop |tellement |vraiment |full )?long(?:ue)?",
    r"service (?:client )?(?:nul|lamentable|catastrophique|pourri|horrible)|pourri(?:e|s|es|ture)?",
    r"(?:facture|debite|preleve)\w* (?:deux|2) fois",
    # English
    r"disappoint\w*|unacceptable|outrageous",
    r"still (?:waiting|nothing|no (?:answer|reply|response|news|update|word|refund|sign)"
    r"|not (?:received|fixed|working|resolved|answered|here|arrived|delivered|refunded)"
    r"|(?:haven't|havent|hasn't|hasnt) (?:received|got|gotten|heard|been|had))",
    r"(?:never|haven't|havent|didn't|didnt) (?:received|got|gotten|heard back)",
    r"(?:been|keep|kept) waiting",
    r"waiting (?:for|since) (?:\w+ )?(?:days|weeks|months|ages|hours|forever)",
    r"worst|refund\w*|money back|charged (?:me )?twice|overcharged",
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
    r"formidable|magnifique|merveilleu(?:x|se|ses)|parfait(?:e|es|s)?|superbe",
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
)

QUESTION: tuple[str, ...] = (
    # interrogative words opening a sentence
    r"(?:^|(?<=[.!?\n])) *(?:comment|pourquoi|quand(?! (?:je|j'|on|tu|il|elle|nous|vous|ils"
    r"|elles|c'est|meme|ca|t'))|combien|quel|quelle|quels|quelles|est[- ]ce"
    r"|how(?! (?:amazing|great|cool|nice|sweet|beautiful|wonderful|awesome|lovely|sad|awful"
    r"|terrible|kind|cute|brave|inspiring|dare)(?!\w))|what(?! an?(?!\w))"
    r"|where(?! (?:i|we|you|they)(?!\w))"
    r"|when(?! (?:i|we|you|they|he|she|my|our|people|someone|it)(?!\w))|why|who|which|can"
    r"|could|is|are|do(?! (?:not|it)(?!\w))|does|did|should|anyone|any)",
    # French anywhere
    r"est[- ]ce (?:que|qu'|qu)|qu'est[- ]ce|pourquoi|combien",
    # inversion ("y a-t-il", "puis-je") and Quebec "-tu" ("c'est-tu", "ça marche-tu"); "-vous"
    # is an imperative too ("inscrivez-vous"), so only listed verbs count
    r"[^\W_]+-(?:t-)?(?:tu|il|elle|on|je|ils|elles)",
    r"(?:avez|aviez|pouvez|pourriez|savez|sauriez|etes|etiez|voulez|voudriez|connaissez|pensez"
    r"|croyez|devez|auriez|seriez|comptez|offrez|acceptez|proposez|allez)-vous",
    r"savez vous|sais tu|je me (?:demande|demandais)",
    r"(?:quelqu'un|qqn|quelqu'un d'autre) (?:sait|saurait|a|peut|connait|pourrait)",
    r"comment (?:faire|on|je|j'|puis|peut|peux|est|s'|obtenir|trouver|avoir|acceder|savoir"
    r"|ca|prendre|participer|contacter|joindre)",
    r"c'est tu (?:possible|vrai|normal|gratuit|correct|ouvert|encore)|(?:ya|y'a|y a) tu",
    # English anywhere
    r"can (?:i|we|you|someone|anyone|u)|could (?:you|u|i|someone|anyone)",
    r"(?:does|do) (?:anyone|anybody|someone|you know)",
    r"anyone (?:know|knows|else|have|has|tried)",
    r"any (?:idea|ideas|info|update|updates|news|advice|tips)",
    r"i(?: was)? wonder(?:ing)?",
    r"how (?:do|can|does|did|to|long|much|many|often|soon|come)",
    r"where (?:can|do|is|are|should|does)|when (?:is|are|will|does|do|can|should|did)",
    r"what (?:is|are|time|does|do|should|about|if|happens)",
    r"is (?:it|there|this) (?:possible|free|safe|normal|ok|okay|true|available|open)",
    r"is there (?:a|an|any)",
)
# "où" is only a question word with its accent; "ou" means "or".
QUESTION_OU = re.compile(
    r"(?:^|(?<=[.!?\n])) *où(?!\w)|(?<!\w)où (?:est|sont|trouver|puis|peut|peux|faut|aller"
    r"|acheter|avoir|obtenir|se trouve|s'inscrire|on)(?!\w)"
)

REQUEST: tuple[str, ...] = (
    r"svp|stp|s'il (?:vous|te) plait|sil vous plait|please|pls|plz",
    r"merci de (?:me |m'|nous |bien vouloir)",
    r"(?:je |j')(?:voudrais|aimerais|souhaiterais|souhaite)",
    r"(?:i'd|i would|we'd|we would) (?:like|love) to (?:know|get|have|receive|ask|book|request"
    r"|see)",
    r"(?:can|could|would) (?:you|u|someone|anyone) (?:please |pls |plz )?(?:send|help|tell"
    r"|share|post|add|check|fix|contact|call|dm|message|explain|confirm|update|look)",
    r"(?:pouvez|pourriez|pourrais|peux|peut)[- ](?:vous|tu|on) (?:me |m'|nous )?(?:envoyer"
    r"|aider|dire|expliquer|confirmer|rappeler|contacter|indiquer|donner|repondre|verifier"
    r"|corriger)",
    r"aidez[- ](?:moi|nous)|help me|help us|besoin d'aide|need help",
    r"(?:need|besoin d'|besoin de) (?:help|aide|information|info|infos|un rendez-vous|un rdv)",
)
PRESS: tuple[str, ...] = (
    r"journalist\w*|journaliste\w*|redaction|redacteur|redactrice",
    r"(?:demande|request|requete) (?:d'|de |for )(?:an? )?(?:entrevue|interview|commentaire"
    r"|comment|entretien)",
    r"interview (?:request|inquiry)|media (?:inquiry|inquiries|request)",
    r"press (?:inquiry|inquiries|request|contact|office)|attachee? de presse",
    r"relations? (?:avec les )?(?:medias|presse)",
)
MEDICAL: tuple[str, ...] = (
    r"effets? (?:secondaires?|indesirables?)|side[- ]?effects?",
    r"posologie|dosages?|(?:quelle|what|which) (?:dose|dosage)",
    r"ordonnance\w*|prescription\w*|contre[- ]indication\w*|contraindication\w*",
    r"interactions? medicamenteuses?|drug interactions?",
    r"symptome\w*|symptom\w*|allergi\w*",
)

# --------------------------------------------------------------------- compiled regexes


def _compile(fragments: Iterable[str]) -> re.Pattern[str]:
    """One alternation that starts and ends on word edges.

    A match may end on an elision ("qu'", "j'") but not inside a contraction: "can" must not
    match the start of "can't".
    """
    return re.compile(r"(?<!\w)(?:" + "|".join(fragments) + r")(?:(?<=')|(?!\w)(?!'\w))")


_CRISIS_DIRECT_RE = _compile(CRISIS_DIRECT)
_CRISIS_TOPIC_RE = _compile(CRISIS_TOPIC)
_CRISIS_INFORMATIONAL_RE = _compile(CRISIS_INFORMATIONAL)
_HARASSMENT_RE = _compile(HARASSMENT)
_HATE_RE = _compile(HATE)
_ABUSE_ALWAYS_RE = _compile(ABUSE_ALWAYS)
_ABUSE_NOUNS_RE = _compile(ABUSE_NOUNS)
_ABUSE_ADJECTIVES_RE = _compile(ABUSE_ADJECTIVES)
_SACRES_RE = _compile(SACRES)
_ABUSE_TARGET_RE = _compile(ABUSE_TARGET)
_SACRE_POSSESSIVE_RE = _compile(SACRE_POSSESSIVE)
_SPAM_STRONG_RE = _compile(SPAM_STRONG)
_SPAM_WEAK_RE = _compile(SPAM_WEAK)
_COMPLAINT_RE = _compile(COMPLAINT)
_PRAISE_RE = _compile(PRAISE)
_QUESTION_RE = _compile(QUESTION)
_REQUEST_RE = _compile(REQUEST)
_PRESS_RE = _compile(PRESS)
_MEDICAL_RE = _compile(MEDICAL)

_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|ly|co|xyz|info|biz|me|link|click|top"
    r"|shop|site|online|app|gg|fr|ca|be|ch|us|uk|tk|ru|cn|live|store|vip|club)"
    r"(?:/[^\s<>\"']*)?(?![\w.-])"
)
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
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

    @property
    def variants(self) -> tuple[str, ...]:
        return _unique((self.short, self.double))

    @property
    def spam_variants(self) -> tuple[str, ...]:
        return (*self.variants, _fold(" ".join(self.urls)))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _squash(text: str) -> str:
    return _NEWLINES_RE.sub("\n", _SPACES_RE.sub(" ", text)).strip()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _squash("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _collapse(text: str, keep: int) -> str:
    return _ELONGATION_RE.sub(lambda m: m.group(1) * keep, text)


def _prepare(raw: str) -> _Text:
    cleaned = _squash(raw.translate(_TRANSLATION).lower())
    urls = tuple(m.group(0) for m in _URL_RE.finditer(cleaned))
    lower = _squash(_URL_RE.sub(" ", cleaned))
    folded = _fold(lower)
    return _Text(
        original=raw,
        lower=lower,
        folded=folded,
        short=_collapse(folded, 1),
        double=_collapse(folded, 2),
        urls=urls,
    )


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


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


def _language_signals(text: _Text) -> tuple[int, int, int]:
    """(French stopwords and elisions, English stopwords and contractions, accented words)."""
    fr = en = 0
    for token in _words(text.short):
        if token in FR_STOPWORDS or _FR_ELISION_RE.match(token):
            fr += 1
        elif token in EN_STOPWORDS or _EN_CONTRACTION_RE.search(token):
            en += 1
    accents = sum(1 for token in _words(text.lower) if FR_ACCENTS.intersection(token))
    return fr, en, accents


def _language(text: _Text, given: str | None, locale: str | None) -> tuple[str, str]:
    if given and given.strip():
        code = _primary_subtag(given) or given.strip().lower()
        return code, f"lang: {code} (given)"
    fr, en, accents = _language_signals(text)
    french = fr + accents
    if french > en:
        return "fr", f"lang: fr (stopwords {fr} vs {en}, accented words {accents})"
    if en > french:
        return "en", f"lang: en (stopwords {en} vs {fr}, accented words {accents})"
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
    before = _words(_CLAUSE_RE.split(text[: match.start()])[-1])[-3:]
    after = _words(_CLAUSE_RE.split(text[match.end() :])[0])[:2]
    inside = _words(match.group(0))
    return _negated(before, inside[-1] if inside else "", after)


# ----------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class _Finding:
    category: Category | None  # None: a note for the reasons, not a category
    confidence: float
    reason: str


def _matches(
    pattern: re.Pattern[str], texts: Iterable[str], *, negatable: bool = False
) -> tuple[str, ...]:
    found: list[str] = []
    for text in texts:
        for match in pattern.finditer(text):
            if negatable and _match_negated(text, match):
                continue
            found.append(match.group(0).strip())
    return _unique(found)


def _quote(matches: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{m}'" for m in matches[:limit])
    return shown + (f" (+{len(matches) - limit})" if len(matches) > limit else "")


def _graded(category: Category, matches: Sequence[str], base: float) -> list[_Finding]:
    """One finding whose confidence grows with the number of distinct matches."""
    if not matches:
        return []
    confidence = min(0.9, base + 0.1 * (len(matches) - 1))
    return [_Finding(category, confidence, f"{category}: matched {_quote(matches)}")]


def _crisis(text: _Text) -> list[_Finding]:
    direct = _matches(_CRISIS_DIRECT_RE, text.variants)
    if direct:
        return [_Finding(Category.CRISIS, 0.9, f"crisis: matched {_quote(direct)}")]
    unmasked = [_CRISIS_INFORMATIONAL_RE.sub(" ", v) for v in text.variants]
    topic = _matches(_CRISIS_TOPIC_RE, unmasked)
    if topic:
        reason = f"crisis: matched {_quote(topic)} (topic word outside an informational phrase)"
        return [_Finding(Category.CRISIS, 0.7, reason)]
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


def _targeted_insults(sentence: str) -> list[str]:
    """Insults aimed at someone: a second person nearby, or a bare vocative ("Gros cave!")."""
    nouns = [m.group(0) for m in _ABUSE_NOUNS_RE.finditer(sentence)]
    adjectives = [m.group(0) for m in _ABUSE_ADJECTIVES_RE.finditer(sentence)]
    sacres = [m.group(0) for m in _SACRES_RE.finditer(sentence)]
    if not (nouns or adjectives or sacres):
        return []
    if _ABUSE_TARGET_RE.search(sentence):
        return nouns + adjectives + sacres
    found = [m.group(0) for m in _SACRE_POSSESSIVE_RE.finditer(sentence)]
    if nouns and len(_words(sentence)) <= 3:
        found += nouns
    return found


def _abuse(text: _Text) -> list[_Finding]:
    always = _matches(_ABUSE_ALWAYS_RE, text.variants)
    targeted = _unique(
        insult for v in text.variants for s in _sentences(v) for insult in _targeted_insults(s)
    )
    if not (always or targeted):
        return []
    confidence = 0.85 if always else 0.7
    return [_Finding(Category.ABUSE, confidence, f"abuse: matched {_quote(always + targeted)}")]


def _spam(text: _Text) -> list[_Finding]:
    strong = _matches(_SPAM_STRONG_RE, text.spam_variants)
    weak = _matches(_SPAM_WEAK_RE, text.spam_variants)
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
    matches = _matches(_COMPLAINT_RE, text.variants, negatable=True)
    return _graded(Category.COMPLAINT, matches, 0.6)


def _question(text: _Text) -> list[_Finding]:
    matches = _matches(_QUESTION_RE, text.variants)
    matches += tuple(m.group(0).strip() for m in QUESTION_OU.finditer(text.lower))
    marks = text.folded.count("?") + text.folded.count("\u00bf")  # fullwidth marks fold to "?"
    if not (matches or marks):
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


def _praise(text: _Text, others: frozenset[Category]) -> list[_Finding]:
    matches = _matches(_PRAISE_RE, text.variants, negatable=True)
    if matches:
        return _graded(Category.PRAISE, matches, 0.6)
    hearts = _unique(ch for ch in text.original if ch in POSITIVE_EMOJI)
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
)
# Spam opens with flattery and questions ("Great post! Want to earn $500/day?"): bait.
_SPAM_BAIT = frozenset({Category.PRAISE, Category.QUESTION, Category.REQUEST})


def _categories_of(findings: Iterable[_Finding]) -> frozenset[Category]:
    return frozenset(f.category for f in findings if f.category is not None)


def _findings(text: _Text) -> list[_Finding]:
    found = [finding for detect in _DETECTORS for finding in detect(text)]
    found += _praise(text, _categories_of(found))
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
    positive = sum(ch in POSITIVE_EMOJI for ch in original)
    negative = sum(ch in NEGATIVE_EMOJI for ch in original)
    sad = sum(ch in SAD_EMOJI for ch in original)
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
