"""Unit tests of the ``mots-cles`` keyword classifier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connecteurs.models import (
    Author,
    Category,
    Classification,
    Interaction,
    InteractionKind,
    Platform,
    Risk,
    SentimentLabel,
)
from plugins.classifiers import Classifier, MotsClesClassifier

C = Category
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
CLASSIFIER = MotsClesClassifier()


def interaction(
    text: str, *, language: str | None = None, locale: str | None = None
) -> Interaction:
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, "t", "1"),
        platform=Platform.JSONL,
        account="t",
        external_id="1",
        kind=InteractionKind.COMMENT,
        author=Author(id="a", handle="a", locale=locale),
        text=text,
        language=language,
        created_at=NOW,
        received_at=NOW,
    )


def classify(
    text: str, *, language: str | None = None, locale: str | None = None
) -> Classification:
    return CLASSIFIER.classify(interaction(text, language=language, locale=locale))


# text, expected language, categories that must be present, categories that must be absent
TABLE: list[tuple[str, str, set[Category], set[Category]]] = [
    # questions
    ("Comment je peux m'inscrire?", "fr", {C.QUESTION}, {C.COMPLAINT, C.CRISIS}),
    ("Quand est-ce que la clinique ouvre?", "fr", {C.QUESTION}, set()),
    ("Où est-ce qu'on peut se faire vacciner", "fr", {C.QUESTION}, set()),
    ("Y a-t-il des places disponibles", "fr", {C.QUESTION}, set()),
    ("Ça marche-tu sur Android", "fr", {C.QUESTION}, set()),
    ("Est ce que le programme est offert à Québec", "fr", {C.QUESTION}, set()),
    ("When does registration open", "en", {C.QUESTION}, set()),
    ("Can I bring my kid to the session?", "en", {C.QUESTION}, set()),
    ("How long is the waiting list", "en", {C.QUESTION}, set()),
    ("Pour en finir avec le tabac, inscrivez-vous!", "fr", set(), {C.QUESTION, C.CRISIS}),
    # complaints
    ("Toujours pas reçu mon remboursement, c'est inacceptable", "fr", {C.COMPLAINT}, {C.PRAISE}),
    ("Je suis super déçu du service", "fr", {C.COMPLAINT}, {C.PRAISE}),
    ("Cest nul, jatend depuis 3 semaine pi toujours rien", "fr", {C.COMPLAINT}, set()),
    ("J'suis pas content pantoute", "fr", {C.COMPLAINT}, {C.PRAISE}),
    ("Ça marche pas votre affaire, c'est poche", "fr", {C.COMPLAINT}, set()),
    ("Merci pour rien", "fr", {C.COMPLAINT}, {C.PRAISE}),
    ("Not impressed, still waiting for my refund", "en", {C.COMPLAINT}, {C.PRAISE}),
    ("Worst customer service ever, the app is not working", "en", {C.COMPLAINT}, set()),
    ("Pourquoi personne ne répond???", "fr", {C.COMPLAINT, C.QUESTION}, set()),
    ("Je ne suis pas déçu du tout, merci!", "fr", {C.PRAISE}, {C.COMPLAINT}),
    # praise
    ("Bravo à toute l'équipe, super initiative!", "fr", {C.PRAISE}, {C.COMPLAINT}),
    ("Lâchez pas, c'est une belle job", "fr", {C.PRAISE}, set()),
    ("Merci so much pour l'info, super helpful!", "fr", {C.PRAISE}, set()),
    ("C TROP BIEN MERCI!!!!", "fr", {C.PRAISE}, set()),
    ("Thanks so much, this was really helpful", "en", {C.PRAISE}, set()),
    ("I love this! ❤️", "en", {C.PRAISE}, set()),
    ("What a great initiative!", "en", {C.PRAISE}, {C.QUESTION}),
    ("Merci infiniment, vous m'avez sauvé la vie", "fr", {C.PRAISE}, {C.CRISIS}),
    ("ce nest pas genial", "fr", set(), {C.PRAISE}),
    ("🙏🙏🙏", "und", {C.PRAISE}, set()),
    # spam
    ("Make money fast! Click here https://x.xyz", "en", {C.SPAM}, set()),
    ("Free followers 👉 bit.ly/abc123", "und", {C.SPAM}, set()),
    ("Great post! Earn $500 a day from home, DM me for details", "en", {C.SPAM}, {C.PRAISE}),
    ("Gagnez 1000€ par jour avec le bitcoin 🤑 https://profit.io", "fr", {C.SPAM}, set()),
    ("Le lien pour s'inscrire est sur https://sante.gouv.fr", "fr", set(), {C.SPAM}),
    # abuse and harassment, including Quebec
    ("Ferme ta gueule", "fr", {C.ABUSE}, set()),
    ("T'es vraiment un idiot", "fr", {C.ABUSE}, set()),
    ("Vous êtes des débiles", "fr", {C.ABUSE}, set()),
    ("t'es un esti de cave", "fr", {C.ABUSE}, set()),
    ("Crisse de menteur", "fr", {C.ABUSE}, set()),
    ("Tabarnak que c'est long!", "fr", {C.COMPLAINT}, {C.ABUSE}),
    ("You're such a moron", "en", {C.ABUSE}, set()),
    ("f*ck you and your charity", "en", {C.ABUSE}, set()),
    ("Sorry if this is a stupid question, but how do I sign up?", "en", {C.QUESTION}, {C.ABUSE}),
    ("C'est débile ce règlement", "fr", set(), {C.ABUSE}),
    ("I'll find you and hurt you", "en", {C.HARASSMENT}, {C.CRISIS}),
    # crisis that must not fire
    ("Merci pour cette belle campagne de prévention du suicide 🙏", "fr", {C.PRAISE}, {C.CRISIS}),
    ("Suicide Squad was a terrible movie", "en", set(), {C.CRISIS}),
    ("Je vais mourir de rire 😂", "fr", set(), {C.CRISIS}),
    ("cutting carbs this month, wish me luck", "en", set(), {C.CRISIS}),
    ("i'll be gone by tomorrow, road trip to the coast!", "en", set(), {C.CRISIS}),
    ("Je serai plus là à partir de jeudi, écrivez à Marie", "fr", set(), {C.CRISIS}),
    ("il y a 3 ans elle a fait une tentative, elle va bien maintenant", "fr", set(), {C.CRISIS}),
    ("ça fait 2 ans que je me scarifie plus, fière de moi", "fr", set(), {C.CRISIS}),
    ("giving away my stuff before moving, who wants a lamp", "en", set(), {C.CRISIS}),
    ("tonight's my last night in Montréal, so sad", "en", set(), {C.CRISIS}),
    ("pills lined up for the week in my organizer", "en", set(), {C.CRISIS}),
    ("my kid scratched her bites until they bled", "en", set(), {C.CRISIS}),
    ("je vais me tuer à la tâche cette semaine", "fr", set(), {C.CRISIS}),
    # spam, 0.3.0
    ("inbox me sweetie 😘", "en", {C.SPAM}, {C.PRAISE}),
    ("viens inbox mon beau", "fr", {C.SPAM}, set()),
    ("send 100 usdt and receive 1000 usdt in 24 hours", "en", {C.SPAM}, set()),
    ("30% de rabais sur nos tisanes minceur cette semaine", "fr", {C.SPAM}, set()),
    ("tag 2 friends to enter our giveaway", "en", {C.SPAM}, set()),
    ("I recommend Mrs. Helen, the best forex trader I know", "en", {C.SPAM}, set()),
    ("Ça me tue cette pub", "fr", set(), {C.CRISIS}),
    # other languages and nothing at all
    ("Hola, muchas gracias por todo", "und", set(), {C.CRISIS}),
    ("ok", "und", {C.OTHER}, set()),
    # press and medical
    ("Je suis journaliste, pourrais-je avoir une entrevue?", "fr", {C.PRESS, C.QUESTION}, set()),
    ("Quels sont les effets secondaires du vaccin?", "fr", {C.MEDICAL, C.QUESTION}, set()),
]


@pytest.mark.parametrize(("text", "language", "present", "absent"), TABLE)
def test_table(text: str, language: str, present: set[Category], absent: set[Category]) -> None:
    result = classify(text)
    assert result.language == language, result.reasons
    assert present <= result.categories, result.reasons
    assert not (absent & result.categories), result.reasons


CRISIS = [
    "Je veux mourir",
    "Jveux mourir sérieux",
    "je veux mourrir",
    "je veux me suicidé",
    "J'ai envie d'en finir",
    "j'ai pu le goût de vivre",
    "j ai plus envie de vivre",
    "chu pu capable, j'veux juste disparaître",
    "je me fais du mal le soir",
    "je pense au suicide tous les jours",
    "La vie n'a plus de sens",
    "j'ai des idées noires depuis des semaines",
    "Tout le monde serait mieux sans moi",
    "Je vais me foutre en l'air",
    "I want to die",
    "i wanna kill myself",
    "I just want to end it all",
    "There's no reason to live anymore",
    "I've been self harming again",
    "i cant do this anymore",
    "honestly i wish i was dead",
    "i feel like such a burden to everyone",
    "i want to die lol",
    "i want to unalive myself",
    "Merci pour la campagne de prévention, moi je pense au suicide",
    # 0.3.0: texting contractions, plans and means, farewells, self-harm, third parties
    "jvais me pendre ce soir",
    "j'vais y mettre fin, c'est décidé",
    "jme tue demain",
    "j'aimerais juste être morte",
    "vous aurez pu à me gérer bientôt",
    "j'ai donné mes bijoux à ma cousine, j'en aurai plus besoin",
    "je me suis recoupée encore",
    "la corde est attachée",
    "j'ai pris 40 cachets",
    "mon oncle veut s'enlever la vie",
    "ils disent que je suis un fardeau, ce soir j'arrête tout",
    "you won't have to put up with me much longer",
    "i'll be gone before sunrise",
    "gave my things to my brother, won't need them",
    "popped 25 advil an hour ago",
    "the noose is ready",
    "i keep hitting myself until it bruises",
    "my roommate posted goodbye and now she's not picking up",
    "my cousin has been talking about dying and took his dad's gun",
    "gonna drive my car into a tree",
    "been hoarding pills, saving up till i have enough to do it",
    "relapsed sh last night",
    "how many sleeping pills would it take to never wake up",
    "combien de somnifères pour plus me réveiller",
    "c'est décidé, ce soir je passe à l'acte",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_is_critical(text: str) -> None:
    result = classify(text)
    assert Category.CRISIS in result.categories, result.reasons
    assert result.risk is Risk.CRITICAL
    assert result.sentiment.label is SentimentLabel.NEGATIVE
    assert any(reason.startswith("crisis: matched") for reason in result.reasons)


@pytest.mark.parametrize(
    ("positive", "negated"),
    [
        ("c'est bon", "c'est pas bon"),
        ("je suis content", "je ne suis pas content"),
        ("this is good", "this is not good"),
        ("I like it", "I don't like it"),
        ("j'aime ça", "j'aime pas ça"),
    ],
)
def test_negation_flips_sentiment(positive: str, negated: str) -> None:
    assert classify(positive).sentiment.label is SentimentLabel.POSITIVE
    assert classify(negated).sentiment.label is SentimentLabel.NEGATIVE


@pytest.mark.parametrize("text", ["pas mal du tout", "not bad at all"])
def test_negated_negative_is_positive(text: str) -> None:
    assert classify(text).sentiment.label is SentimentLabel.POSITIVE


def test_comparative_is_not_a_negation() -> None:
    assert classify("Je n'ai jamais été aussi déçue").sentiment.label is SentimentLabel.NEGATIVE
    assert classify("Never been this happy!").sentiment.label is SentimentLabel.POSITIVE


def test_elongation() -> None:
    result = classify("c'est nuuuuul")
    assert result.sentiment.label is SentimentLabel.NEGATIVE
    assert Category.COMPLAINT in result.categories
    assert classify("sooooo goooood").sentiment.label is SentimentLabel.POSITIVE
    assert Category.PRAISE in classify("merciiiii").categories


def test_intensifiers_and_exclamations_strengthen() -> None:
    plain = classify("c'est bien").sentiment.score
    assert classify("c'est vraiment bien").sentiment.score > plain
    assert classify("c'est bien!!!").sentiment.score > plain


def test_emoji_carry_sentiment() -> None:
    assert classify("😍👍").sentiment.label is SentimentLabel.POSITIVE
    assert classify("😡👎").sentiment.label is SentimentLabel.NEGATIVE
    assert classify("😢😭").sentiment.label is SentimentLabel.NEGATIVE


def test_spam_with_several_links() -> None:
    result = classify("Voir https://example.com et https://autre.org")
    assert Category.SPAM in result.categories
    assert result.risk is Risk.NONE


def test_spam_link_hidden_with_zero_width_space() -> None:
    assert Category.SPAM in classify("b\u200bitcoin x10 https://x.io").categories


def test_risk_levels() -> None:
    assert classify("Ferme ta gueule").risk is Risk.HIGH
    assert classify("kill yourself").risk is Risk.HIGH
    assert classify("Sale immigré, retourne dans ton pays").risk is Risk.HIGH
    assert classify("Toujours pas de réponse").risk is Risk.LOW
    assert classify("Merci!").risk is Risk.NONE


def test_language_is_trusted_when_given() -> None:
    result = classify("Thank you so much", language="fr-CA")
    assert result.language == "fr"
    assert result.reasons[0] == "lang: fr (given)"


def test_language_falls_back_to_author_locale() -> None:
    assert classify("👍", locale="fr_CA").language == "fr"
    assert classify("Bravo", locale="en-US").language == "en"
    assert classify("Bravo").language == "und"


def test_language_reason_counts_stopwords() -> None:
    reason = classify("Je ne suis pas content du tout").reasons[0]
    assert reason.startswith("lang: fr (stopwords ")


def test_the_ngram_model_is_asked_only_when_stopwords_leave_doubt() -> None:
    # 0.3.1: a clear stopword margin decides whatever py3langid says, so it is not asked.
    clear = classify("Je ne suis pas content du tout de ce que vous avez fait")
    assert clear.language == "fr" and "langid" not in clear.reasons[0]
    doubtful = classify("Hola, muchas gracias por todo el trabajo")
    # 0.5.0: its Spanish function words decide before the model is asked.
    assert doubtful.language == "und" and "foreign words" in doubtful.reasons[0]
    doubtful = classify("Felicidades equipo, trabajo increíble")
    assert doubtful.language == "und" and "langid" in doubtful.reasons[0]


def test_result_shape() -> None:
    result = classify("Je veux mourir")
    assert isinstance(result, Classification)
    assert isinstance(result.categories, frozenset)
    assert result.classifier == "mots-cles@0.9.0"
    assert "crisis: matched 'veux mourir'" in result.reasons
    assert result.reasons[-1] == "risk: critical"
    assert 0.0 <= result.confidence <= 1.0


def test_other_when_nothing_matches() -> None:
    result = classify("Le rendez-vous est à 14 h.")
    assert result.categories == frozenset({Category.OTHER})
    assert result.risk is Risk.NONE
    assert "other: no rule matched" in result.reasons


def test_is_a_classifier() -> None:
    assert isinstance(CLASSIFIER, Classifier)
    assert (CLASSIFIER.name, CLASSIFIER.version) == ("mots-cles", "0.9.0")


def test_deterministic() -> None:
    text = "Merci! Mais toujours pas de réponse... c'est-tu normal? 😢 https://x.com"
    assert classify(text) == classify(text)


# Pieces that exercise the rules (elisions, curly apostrophes, links, emoji, zero-width).
_PIECES = st.sampled_from(
    [
        *"abcdeéèàçiouyz'\u2019-?!.,:; \n\t0123456789$€*@#/",
        *("je veux", "mourir", "pas", "not", "http://", "www.", ".com", "😢", "❤️", "\u200b"),
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join)))
def test_classify_never_raises(text: str) -> None:
    result = classify(text)
    assert result.categories
    assert result.classifier == "mots-cles@0.9.0"
    assert -1.0 <= result.sentiment.score <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert result.reasons


# 0.4.0: means and plans said without a telling word, each rule with French and English
# positives and the hard negatives it must leave alone (written for these tests).
MEANS_AND_PLANS_CRISIS = [
    # counting or saving up medication
    "j'ai compté mes cachets, il y en a assez",
    "counting my sleeping pills again, 32 of them",
    "ça fait deux semaines que j'accumule mes somnifères",
    "been hoarding my insulin for a while now",
    "j'ai mis de côté tous mes médicaments du mois",
    # asking how many / how high, for oneself
    "combien de paracétamol il faut pour ne pas se réveiller",
    "how many of the xanax would it take to not wake up",
    "would it be painless to overdose on insulin? asking for myself",
    "how high does a building have to be to not survive the fall",
    "à partir de quelle hauteur on peut pas survivre à une chute",
    "je vais sauter du 12e ce soir",
    # tracks, exhaust, a weapon in hand
    "i keep thinking about stepping in front of a bus on my way home",
    "envie de me coucher sur les rails",
    "bought a hose for the exhaust, it fits the window",
    "j'ai le rasoir dans la main et je tremble",
    "the gun is in my hand right now",
    # relapse of self-harm
    "relapsed last night. the blade again",
    "rechute… j'ai recommencé à me scarifier",
    "carving into my arms again",
    # farewells to family, apologies, letters
    "dites à mon frère que je suis désolé",
    "tell my dad i'm sorry",
    "j'ai écrit une lettre à mes enfants, ils comprendront",
    "left notes for my parents on the kitchen table",
    "my sister texted me goodbye and now she won't pick up",
    "if i'm not here tomorrow you'll know why",
    "last sunrise of my life probably",
    # not a burden much longer, ctb, "faire une connerie"
    "i won't be a burden to anyone much longer",
    "je serai plus un fardeau pour personne",
    "j'ai peur de faire une connerie ce soir",
    "ctb tomorrow",
    # rope, means at hand with a plan cue
    "got a rope today",
    "les médocs sont sur la table devant moi, j'hésite plus",
    "the bridge isn't far from here. nobody will notice",
    # obfuscated spellings and Darija
    "su1cidal thoughts every night",
    "s*icide feels like the only way",
    "bghit nmout",
]
MEANS_AND_PLANS_NOT_CRISIS = [
    "je compte mes comprimés pour remplir mon pilulier de la semaine",
    "counting my pills into the weekly organizer",
    "how many tylenol can i take for a headache?",
    "combien de doliprane par jour maximum?",
    "how high is the golden gate bridge? planning a photo trip",
    "how high does the bridge need to be for boats to pass",
    "went bungee jumping off a bridge, what a rush",
    "j'ai le couteau dans la main pour couper les oignons",
    "a man stepped in front of the train this morning, huge delays",
    "bought a jump rope for my workout",
    "j'ai acheté une corde pour le bateau",
    "on a retrouvé un vieux fusil de chasse chez mon grand-père",
    "tell my mom i said hi!",
    "j'ai écrit une carte à ma mère pour son anniversaire",
    "wrote a letter to my future self in therapy today",
    "je voulais dire au revoir à la communauté, je quitte mon poste de modératrice",
    "last night on earth by green day is such a good song",
    "le dernier jour de ma vie de célibataire 🎉",
    "i relapsed on sugar this week lol",
    "that won't be a problem anymore once you fix the app",
    "i used to cut, 8 years clean now and doing great",
    "the stats on suicide in farmers are alarming",
]


ABUSE_040 = [
    "espèce de grosse truie",
    "sale porc",
    "t'es qu'une vieille dinde",
    "l'infirmière dans la vidéo est une vraie débile",
    "bande de charlatans",
    "vous êtes tous des profiteurs",
    "ce gars-là c'est un crisse de sans-dessein",
    "fat pig telling us what to eat",
    "brainless clowns running this clinic",
    "ur a dimwit",
    "what a dipshit",
    "piss off",
    "the host is a complete moron",
    "you're useless",
    "eres un idiota",
]
ABUSE_040_NOT = [
    "t'es malade toi 😂 je t'aime",
    "mon petit con 😂 je t'aime",
    "you're insane, love it 😂",
    "tabarnak que c'est long",
    "putain de bus encore en retard",
    "this program is a joke tbh",
    "i feel like a waste of space lately",
    "une espèce de champignon a poussé dans mon jardin",
    "j'ai acheté un porc entier pour le méchoui",
    "i always get lost on your website",
]


def test_the_language_model_is_loaded_once_when_threads_race_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import threading

    from plugins.classifiers import mots_cles

    langid = importlib.import_module("py3langid.langid")  # untyped, as mots_cles loads it

    real = langid.LanguageIdentifier.from_model_file
    loads: list[int] = []

    def counting(*args: object, **kwargs: object) -> object:
        loads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", counting)
    mots_cles._load_langid.cache_clear()
    start = threading.Barrier(8)
    ranks: list[object] = []

    def first_call() -> None:
        start.wait()
        ranks.append(mots_cles._langid())

    threads = [threading.Thread(target=first_call) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        mots_cles._load_langid.cache_clear()  # the next caller loads the unpatched model
    assert len(loads) == 1
    assert len(ranks) == 8 and all(rank is ranks[0] for rank in ranks)


# 0.5.0: comments in the audience's other languages were read as French (accents, "que",
# "se", "la") and their crisis words went unseen.
OTHER_LANGUAGES = [
    "vocês têm grupo de apoio para adolescentes? meu filho não quer sair do quarto",
    "¿Dónde puedo encontrar el horario de las consultas para este mes?",
    "grazie mille per questo video, mi ha aiutato tanto con l'ansia",
    "ich habe seit zwei Wochen Schlafprobleme, kann mir jemand helfen?",
    "mèsi anpil pou pwogram nan, li ede fanmi mwen anpil",
    "chokran bzaf 3la had l'application, wallah fiha fayda",
    "salamat po sa tulong ninyo, laking ginhawa sa amin",
]


# 0.6.1 (heldout7's language mistakes) and 0.7.1 (heldout9's): other scripts, Romanian,
# Darija, Spanish sharing "me", "de", "la" with French, Tagalog, Haitian Creole, Wolof, Lingala
OTHER_LANGUAGES_061_071 = [
    "شكرا جزيلا على المساعدة، متى تفتح العيادة؟",
    "Спасибо за помощь, когда открывается клиника?",
    "mulțumesc pentru ajutor, sunt foarte recunoscătoare",
    "sa7bi dyali ma fhem walo, hamdoullah labas daba",
    "me duele la cabeza después de la clase jaja",
    "meron po ba kayong schedule sa Sabado?",
    "Ki lè sèvis la ap reponn telefòn nan?",
    "Mèsi anpil, nou pa janm bliye sa nou fè pou moun yo",
    "Jërëjëf ci yépp, nanga def ?",
    "Matondi mingi, Nzambe apambola bino",
    "mi esposa dice que mejor no seguir con el tratamiento",
]


# 0.9.0: the n-gram model ranks every language it knows, and a comment it gives less than a
# tenth to French and English together is another language (written for these tests).
OTHER_LANGUAGES_090 = [
    "Merhaba, randevumu yarına alabilir miyiz acaba?",  # noqa: RUF001 (Turkish)
    "Cảm ơn các bạn rất nhiều, bài viết rất hữu ích",  # Vietnamese
    "aap log bahut acha kaam kar rahe ho, shukriya sab ko",  # romanised Hindi
    "Ngā mihi ki a koutou mō te āwhina i taku whānau",  # te reo Māori
    "Terima kasih banyak atas informasinya, sangat membantu",  # Indonesian
    "Dziękuję bardzo za pomoc, kiedy otwieracie klinikę?",  # Polish
    "Asante sana kwa msaada wenu, Mungu awabariki",  # Swahili
    "Hvala vam puno na pomoći, kada radi ambulanta?",  # Croatian
]


@pytest.mark.parametrize("text", [*OTHER_LANGUAGES, *OTHER_LANGUAGES_061_071, *OTHER_LANGUAGES_090])
def test_other_languages_are_not_french_or_english(text: str) -> None:
    assert classify(text).language == "und", classify(text).reasons


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("merci pour la vidéo, j'ai eu mal au dos toute la semaine", "fr"),  # "eu", "dos"
        ("tu y vas samedi? il y a une marche pour la prévention", "fr"),
        ("the van was late again and nada, no call from the clinic", "en"),
        # 0.6.1: a foreign letter or word next to French and English ones
        ("Merci à l'équipe, le café était bon et la séance aussi", "fr"),
        ("Thanks team, the café was lovely and so was the session", "en"),
        ("Je suis allé au Maroc, c'était très beau, merci pour les conseils", "fr"),
        ("Bine, je reviens demain pour la prise de sang", "fr"),
    ],
)
def test_french_and_english_with_look_alike_words_keep_their_language(
    text: str, language: str
) -> None:
    assert classify(text).language == language, classify(text).reasons


CRISIS_OTHER_LANGUAGES = [
    "mi prima dice que se va a matar esta noche, qué hago",
    "ya no aguanto, quiero quitarme la vida",
    "minha irmã falou que vai se matar, não sei o que fazer",
    "stanotte la faccio finita, scusate tutti",
    "ich will mich umbringen, es hat alles keinen Sinn",
    "mwen vle mouri, mwen pa ka ankò",
    "safi ghadi nsali kolchi lyouma",
    "does it hurt if you swallow all of them at once",
    "i feel so peaceful since i picked the date",
    # 0.8.0: phrases of about thirty more languages
    "Nie daję już rady, chcę umrzeć",
    "Не могу больше, хочу умереть",  # noqa: RUF001
    "artık dayanamıyorum, ölmek istiyorum",  # noqa: RUF001
    "میخوام بمیرم دیگه",
    "我真的不想活了",
    "tôi không muốn sống nữa",
    "mi hermano dice que ya no quiere vivir",
]


CRISIS_NOT_050 = [
    "what are the signs that a teenager is suicidal? it's for a school presentation",
    "quels sont les signes qu'un ado pense au suicide? c'est pour un travail",
    "we need to end the stigma around suicide in farming communities",
    "is your suicide intervention course open to teachers?",
    "y'a 3 ans je me coupais tous les jours, aujourd'hui ça fait 1000 jours 🎉",
    "ça fait 2 ans que j'ai arrêté de me scarifier, merci pour votre soutien",
    "I used to self harm as a teen. clean for 5 years now",
    "la scène du suicide dans cette série m'a bouleversée, merci d'en parler",
]


@pytest.mark.parametrize(
    "text",
    [
        "i'm used to wanting to die, today is no different",
        "I used to be fine, now I want to kill myself",
        "what are the signs i am suicidal",
        # a review of 0.5.0 found these hidden by its first recovery and sign rules
        "I used to self harm and now I want to kill myself",
        "I used to self harm, was clean for 3 years but I relapsed and I want to die",
        "y'a 2 ans j'ai arrêté de me scarifier mais j'ai rechuté hier, je veux mourir",
        "il y a 2 ans j'ai perdu mon fils, j'ai arrêté de me battre, je veux mourir",
        "y'a 2 mois que j'pense au suicide, maintenant j'ai un plan",
        "My depression symptoms now include suicidal thoughts",
        "I have all the signs of being suicidal",
    ],
)
def test_used_to_and_signs_do_not_hide_a_present_crisis(text: str) -> None:
    assert C.CRISIS in classify(text).categories, classify(text).reasons


ABUSE_050 = [
    "le nouveau coach est un arrogant tocard qui écoute personne",
    "c'est qui cette conne au micro",
    "ce bouffon sait même pas parler",
    "organisme de voleurs, rendez l'argent",
    "this clinic is run by overpaid clowns",
    "the doctor was a condescending prick",
    "the receptionist is a rude old cow",
    "imagine being this thick and giving health advice",
    "what a garbage charity",
    "ptite conne de réceptionniste",
]
ABUSE_050_NOT = [
    "ce con de téléphone marche pas",
    "ce petit con de chat a mangé mes pilules",
    "ce clown a fait rire ma fille à l'hôpital, merci Dr Clown",
    "The hospital is full of clowns today for the kids, so cute!",
    "the old cow on my farm is sick",
    "cette question est débile",
    "the clowns at the kids' party were great",
    "our cow had a calf this morning",
]

# 0.9.0: the organisation "de merde", British insults, the audience's other languages
ABUSE_090 = [
    "clinique de marde, 6 mois pour un rappel",
    "Centre de merde, personne répond jamais",
    "bunch of lazy sods the lot of you",
    "what a pillock that doctor is",
    "you people are crooks, refund me",
    "bu doktor tam bir salak",  # Turkish
    "stelletje klootzakken bij die kliniek",  # Dutch
    "tum log kamine ho, paisa wapas karo",  # romanised Hindi
    "dasar goblok semua adminnya",  # Indonesian
    "вы все идиоты в этой клинике",
]
ABUSE_090_NOT = [
    "ma vie de merde, j'en peux plus de ce boulot",
    "ptn de réseau de merde, le live coupe",
    "the sod in my garden finally took",
    "j'ai visité le site de Salakta en Tunisie",
]


# One assertion for each list of a rule family, old and new.
@pytest.mark.parametrize("text", [*ABUSE_040, *ABUSE_050, *ABUSE_090])
def test_broadened_insults_are_abuse(text: str) -> None:
    assert Category.ABUSE in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize("text", [*ABUSE_040_NOT, *ABUSE_050_NOT, *ABUSE_090_NOT])
def test_teasing_and_untargeted_swearing_are_not_abuse(text: str) -> None:
    assert Category.ABUSE not in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize("text", [*MEANS_AND_PLANS_CRISIS, *CRISIS_OTHER_LANGUAGES])
def test_means_and_plans_are_crisis(text: str) -> None:
    assert Category.CRISIS in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize("text", [*MEANS_AND_PLANS_NOT_CRISIS, *CRISIS_NOT_050])
def test_means_and_plans_hard_negatives(text: str) -> None:
    assert Category.CRISIS not in classify(text).categories, classify(text).reasons


def test_telling_someone_to_unalive_themselves_is_harassment() -> None:
    assert C.HARASSMENT in classify("go unalive yourself nobody likes you").categories


def test_foreign_stopwords_are_not_french_or_english_stopwords() -> None:
    from plugins.classifiers import mots_cles

    shared = mots_cles.FOREIGN_STOPWORDS & (mots_cles.FR_STOPWORDS | mots_cles.EN_STOPWORDS)
    assert not shared


@pytest.mark.parametrize(
    "text",
    [
        "Can I take all of them at once or should I space them out?",
        "What a relief, they finally set a date for my surgery!",
        "I feel calmer now that I picked a date",
    ],
)
def test_ordinary_questions_and_dates_are_not_quiet_plans(text: str) -> None:
    assert C.CRISIS not in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize(
    ("text", "language"),
    [("wallah j'ai walou compris", "fr"), ("Salut Ana, nou sommes là", "fr")],
)
def test_french_slang_and_names_stay_french(text: str, language: str) -> None:
    assert classify(text).language == language, classify(text).reasons


# 0.9.0: over every language, a few words of slang look like anything; below five words the
# model's "und" needs a foreign word too, and short Spanish is still told by its neighbours.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mdr trop vrai", "fr"),
        ("criss de twit", "fr"),
        ("va te pendre", "fr"),
        ("wanna kms so bad", "en"),
        ("lmao i'm dying", "en"),
        ("legends. absolute legends", "en"),
        ("Saludos desde Colombia", "und"),
        ("Onde fica o centro?", "und"),
        ("Tolles Video, danke!", "und"),
    ],
)
def test_short_slang_keeps_its_language_and_short_neighbours_do_not(
    text: str, language: str
) -> None:
    assert classify(text).language == language, classify(text).reasons


def test_end_it_already_is_harassment_only_when_aimed_at_someone() -> None:
    assert C.HARASSMENT not in classify("This lockdown, just end it already").categories
    assert C.HARASSMENT in classify("u should just end it already").categories


# 0.6.0: two kinds of signal in one message, plans, places, doses, self-harm now, and the
# audience's other languages. Written for these tests, not copied from the data files.
CRISIS_060 = [
    "je suis pu capable, j'ai écrit des lettres pour mes parents",
    "j'en peux plus. c'est pour ce soir",
    "I'm so done. I have a plan",
    "can't do this anymore. thank you for trying with me",
    "gave away my guitar and my games, I won't need them",
    "mon oncle a donné son chien et dit qu'on le reverra pas, il répond plus",
    "how many of my lorazepam would it take",
    "combien de cachets faut prendre pour ne plus se réveiller",
    "sitting on the edge of the roof right now",
    "je suis sur le pont Jacques-Cartier, je sais pas pourquoi je vous écris",
    "I'm not safe with myself tonight",
    "I have a plan and the means, just wanted someone to know",
    "cut again last night, deeper this time",
    "je me suis recoupée, ça arrête pas de saigner",
    "I stopped my insulin on purpose",
    "I just want it all to be over",
    "je veux juste que tout s'arrête pour de bon",
    "everyone would be better off if I wasn't around",
    "i'm ending it tonight",
    "sigo cortándome los brazos y nadie lo sabe",
    "no quiero seguir viviendo así",
    "ik wil niet meer leven",
]
CRISIS_NOT_060 = [
    "giving away my old clothes to the shelter this weekend",
    "merci pour tout, dernier message avant mes vacances, bye!",
    "chu pu capable de cette chaleur 😂",
    "I'm so done with this heat, tonight's the night for ice cream 😂",
    "how many of these would it take to feel a difference? started vitamin D",
    "standing on the bridge watching the fireworks, what a view",
    "tu mérites de crever, personne t'aime",  # harassment, not the writer's crisis
    "that game made me want to unalive my controller",
    "I don't wanna die in my sleep from sleep apnea, is the CPAP worth it?",
    "J'écoute Suicide social en boucle, quelle chanson",
    "article sur la hausse des idées noires chez les étudiants",
    "le suicide est la deuxième cause de décès chez les jeunes, selon l'étude",
    "last year my brother tried to end his life, he's doing so much better now",
    "avant je me scarifiais, ça fait 2 ans que j'ai arrêté",
    "voy a cortarme el pelo mañana",
    "ik ga dood van het lachen",
    "j'ai acheté une corde à sauter, bientôt en forme",
]


def test_wishing_someone_dead_is_harassment() -> None:
    assert C.HARASSMENT in classify("tu mérites de crever, personne t'aime").categories


QUESTIONS_NOT_060 = [
    "are you kidding me?! three months for an appointment",
    "Could the wait be any longer",
    "what would we do without our volunteers 💙",
    "t'es sérieux ou quoi ? c'est pas comme ça",
    "How is it so hard to send an email?!",
    "pourquoi je suis même pas surpris",
    "Did you know one in five adults has insomnia? Let that sink in.",
    "Y a-tu quelqu'un qui répond ici? Non, évidemment.",
    "Do better.",
    "please make a video on how to stretch after running",
    "who even designed this form lol",
]
QUESTIONS_060 = [
    "je sais pas si je dois aller à l'urgence avec ça",
    "c'tu possible de changer mon rendez-vous",
    "la séance de jeudi c'est gratuit ou faut payer",
    "ma blonde dit qu'elle veut mourir je fais quoi",
    "Are you open on Sunday?",
    "Can I bring my kid? Thanks!",
]


def test_a_rhetorical_question_says_so_in_the_reasons() -> None:
    reasons = classify("could this line be any longer").reasons
    assert any("rhetorical" in r for r in reasons), reasons


# The first 0.6.0 review's spam look-alikes.
REVIEW_060_NOT_SPAM = [
    "Kindly respond to my email, I've been waiting 3 weeks for my results",
    "Please accept my request for a refund, the class was cancelled",
    "My side hustle is killing my sleep, any tips for insomnia?",
    "I finally got my money back thanks to your customer service",
    "Got my money back, Mr Tremblay at the front desk was very helpful",
    "I'm sending you a friend request, we met at the support group!",
    "without a prescription, delivery was fast for my mom's ventolin",
]


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Semaglutide sans ordonnance, livraison discrète", C.SPAM, True),
        (
            "I lost everything to a fake broker, thanks to Mr. Kay on WhatsApp I got it all back",
            C.SPAM,
            False,
        ),
        ("thanks to Mr. Kay on WhatsApp I got my money back", C.SPAM, True),
        ("looking for a side hustle? message me", C.SPAM, True),
        ("I drink like 3 a day, is that too much coffee?", C.SPAM, False),
        ("Est-ce que je peux l'avoir sans ordonnance?", C.SPAM, False),
        ("sale incompétent, vous avez encore perdu mon dossier", C.ABUSE, True),
        ("c'est des guignols au service client", C.ABUSE, True),
        ("was für ein Vollidiot", C.ABUSE, True),
        *((text, C.SPAM, False) for text in REVIEW_060_NOT_SPAM),
    ],
)
def test_060_spam_and_abuse_additions(text: str, category: Category, expected: bool) -> None:
    assert (category in classify(text).categories) is expected, classify(text).reasons


# A review of the first 0.6.0 (a helper's read of the diff) wrote these; each failed then.
REVIEW_060_CRISIS = [
    "Last year I lost my job and my wife. Today I bought a rope and wrote letters to my kids.",
    "last fall my girlfriend left. now every night i think about killing myself",
    "Avant j'allais bien. Aujourd'hui je pense juste à me suicider",
    "avant je me scarifiais une fois par mois, aujourd'hui c'est tous les jours",
    "My friend tried to kill herself last year. Today she texted me goodbye and isn't answering",
    "ma fille a fait une tentative de suicide l'an dernier, aujourd'hui elle m'a dit qu'elle "
    "voulait recommencer",
    "Last winter I thought about suicide a lot. Today I'm standing on the bridge",
    "Last year I tried to kill myself. Everyone thinks I'm fine but I'm planning to do it this "
    "weekend.",
    "ça fait 6 mois que j'ai arrêté mes antidépresseurs, j'ai des idées suicidaires",
    "ça fait 5 ans que j'ai arrêté de boire et je pense à me pendre",
    "2 years ago I attempted. Everyone thinks I'm doing so much better but I have the pills ready",
    "having a massive spike in self harm urges tonight",
    "I've had an increase in suicidal thoughts since starting sertraline, what do I do",
    "depuis que j'ai augmenté ma dose de Zoloft j'ai une hausse des idées suicidaires",
    "I keep listening to songs about suicide and I think I'm going to do it",
    "personne m'écoute pis le suicide me semble la seule solution",
    "mon père me répète tu mérites de mourir, je commence à le croire, j'ai plus envie de rien",
    "Everyone at school tells me to go die and honestly I think they're right, I'm so tired",
    "mes deux ados ont eu des idées noires cette semaine, je fais quoi",
    "je reviens sur les idées noires que j'ai depuis lundi, ça empire",
    "i'm done. i dont want to die but theres no other way",
    "I don't want to die, I'm just so tired of everything",
    "thinking about unaliving this weekend",
    "i wanna unalive this week, i have the pills",
    "i want to unalive my whole existence",
]
REVIEW_060_NOT_CRISIS = [
    "Le 811 répond pas, j'en peux plus d'attendre",
    "Merci pour tout les conseils, je vais les prendre en note",
    "Super idée, je vais le faire! Merci pour tout ❤️",
    "C'est décidé, je m'inscris! Merci pour tout 🙏",
    "J'en peux plus d'attendre, c'est pour ce soir!",
    "I'm done. Deleting my socials for a month, digital detox time!",
    "Thank you for trying, doc. It never gets better with this migraine",
    "Sorry for everything yesterday, you did nothing wrong! See you Tuesday",
    "Our caseworker turned her phone off again. I'm done.",
    "Enfin fini le cardio pour aujourd'hui, chu pu capable. bye",
    "Bientôt ma 2e dose! Est-ce que je peux prendre du Tylenol avant?",
    "serious question, is it safe to take Advil with Tylenol?",
    "je demande sérieusement, c'est quoi la dose max de Tylenol pour un enfant",
    "Le pont Champlain est fermé, bientôt je vais arriver en retard à mon rdv",
    "How many weeks does it take to heal a broken wrist",
    "How many days will it take to recover from covid?",
    "What dose would be enough for my toddler's fever?",
    "un truc pour ne plus se réveiller la nuit avec bébé?",
    "tips to not wake up at 3am every night?",
    "I've been on the roof all day cleaning gutters",
    "I'm at the bridge waiting for my ride",
    "Sitting on the edge of the cliff at Étretat, magnifique",
    "my hours got cut again",
    "Funding was cut again",
    "I cut too deep into the avocado",
    "Je dois me recouper les cheveux avant la photo",
    "je me suis recoupé au même doigt en cuisinant",
    "J'ai arrêté mon traitement d'un coup pour voir si les effets secondaires partent",
    "I stopped taking my meds on purpose because of the side effects",
    "je me sens pas en sécurité ce soir dans mon quartier",
    "my toddler keeps jumping off the 2nd step",
    "je veux juste que ça finisse, cette grippe dure depuis 2 semaines",
    "I just want it to be over, my surgery is tomorrow",
    "I have a plan and the means to pay for the treatment",
    "🩸 encore ce soir, mes règles sont super abondantes",
    "Vous méritez de mourir en paix entourés des vôtres, merci aux soins palliatifs",
]
REVIEW_060_QUESTIONS = [
    "Who needs to sign the consent form, me or my son?",
    "Qui a besoin d'une ordonnance pour le vaccin contre le zona?",
    "Could it be any other infection than strep?",
    "Could the appointment be any earlier?",
    "How is it that my test results take 3 weeks?",
    "Faut prendre rendez-vous ou quoi?",
    "C'est gratuit ou quoi?",
    "Comment on peut avoir aussi la 2e dose?",
    "Did u know if the clinic is open tomorrow",
    "Since when do you need a referral for physio?",
    "Are you serious, when is the clinic reopening",
    "What would I do without insurance, is there any help?",
    "Do your clinics accept walk-ins",
    "is the walk-in open today? no",
]
REVIEW_060_NOT_QUESTIONS = [
    "J'sais pas si c'est utile ou pas mais je partage",
    "c'est fait ou non, on verra bien",
]


def test_review_060_abuse_and_harassment_look_alikes() -> None:
    assert C.ABUSE not in classify("ma grand-mère a un cancer de mierda").categories
    assert C.HARASSMENT not in classify("Vous méritez de mourir en paix, merci").categories


# A second review, of the fixed 0.6.0, wrote these; each failed on bbe66dc.
REVIEW_060B_CRISIS = [
    "Last year my dad died. Now I just wish I was dead too",
    "l'an dernier j'ai perdu ma job, maintenant j'ai juste envie de mourir",
    "Avant j'étais heureuse. Aujourd'hui j'ai envie de mourir",
    "last year i overdosed. now i'm hoarding my pills",
    "last winter i tried to hang myself. now i have the rope in my closet",
    "Last year was hell. Today I took all my pills, idk what to do",
    "last year therapy helped. now i'm thinking about suicide constantly",
    "My daughter attempted last year. Today she said she wants to die",
    "Ma fille a fait une TS l'an passé. Aujourd'hui elle dit qu'elle veut mourir",
    "My son tried to overdose last summer. Now he's talking about killing himself",
    "5 years ago my husband died. I am okay on the outside but inside I want to disappear forever",
    "Ça fait 6 mois que j'ai arrêté. Mais j'ai acheté des lames hier et j'ai envie de me couper",
    "I don't want to die but I can't stop thinking about it",
    "I don't want to die but I'm scared of what I'll do tonight",
    "I just want to go die somewhere quiet",
    'My mom told me "go die" and I think I will',
    "I've noticed a big increase in self harm in the past weeks, I can't stop",
    "j'ai une augmentation des scarifications en ce moment, je sais plus quoi faire",
    "I'm not safe right now",
    "im not safe tonight, i have razors",
    "les pilules sont prêtes, bientôt ce sera fini",
    "je suis tannée, les pilules sont là, c'est pour bientôt",
    "En 2019 j'ai fait une TS. Aujourd'hui ça recommence, je veux plus vivre",
    "When I was 12 I started cutting. Now I'm 30 and I cut myself last night",
]
REVIEW_060B_NOT_CRISIS = [
    "Il y a 5 ans j'avais des idées noires chaque soir. Aujourd'hui je vais bien, merci à vous",
    "3 years ago I had suicidal thoughts every night. Today I'm thriving",
    "They say it gets better. 2 years ago I tried to kill myself, today I'm doing great",
    "When I was a teen I was planning my suicide. Today I'm a nurse and I'm doing well",
    "Il fait 35 degrés, j'en peux plus. C'est décidé, je m'achète un climatiseur",
    "J'en peux plus!! Ma fille répond pas à mes textos depuis le camp de vacances 😅",
    "What's the point anymore of booking online if nobody calls back. Bye",
    "Si demain je suis plus là, c'est que j'ai gagné à la loterie haha. Bye!",
    "I'm done. I gave away all my baby clothes today, no more kids for us!",
    "J'ai tout préparé pour le party, je suis à bout mais contente",
    "Ligne d'écoute: 1-866-APPELLE. Partagez! Plus rien n'a de sens quand on est seul, parlez-en",
    "Je veux pas mourir du covid, je suis à bout avec ces masques",
    "enough to die for, this cheesecake",
    "what dose would kill the bacteria faster?",
    "cut again today, my hair, lol too short",
    "je me suis recoupée en tranchant des tomates",
    "I stopped my meds on purpose to see if I still need them, my doctor agreed",
    "I have a plan and the means to get through this winter",
    "I just want it to be over for good, this renovation is endless",
]
REVIEW_060B_QUESTIONS = [
    "Who the hell do I call to get my test results?",
    "Are you serious about the free flu shots for kids?",
    "C'est une blague ou c'est vrai que la clinique ferme en juillet?",
    "Ma toux dure depuis 3 semaines, c'est sérieux ou quoi?",
    "Comment tu fais pour être si régulière avec ton entraînement?",
    "What helps with migraines? Nothing. I tried everything",
    "Did you know about the new hours",
    "Could it be any worse than a sinus infection? Like should I see someone",
]
REVIEW_060B_NOT_QUESTIONS = [
    "je sais pas si je dois rire ou pleurer",
    "Je fais quoi de ma vie 😂",
    "C'tu assez beau ça!",
]


# 0.7.0: informational frames and more languages and emoji (from heldout7 and heldout8's
# mistakes, which were read after each set's single measurement); written for these tests.
CRISIS_070 = [
    "💊💊💊💊 ce soir",
    "😔🔪",
    "أريد الموت",
    "ele mandou adeus pra todo mundo e desligou o telefone",
    "nalingi kokufa",
    "j'ai regardé un documentaire et maintenant je pense au suicide",
    "my sister read an article and now she's talking about suicide",
    "everyone tells me to go jump off a bridge and I think I will",
]
CRISIS_NOT_070 = [
    "12 000 suicides par an, c'est un scandale sanitaire",
    "a story on suicide stats among farmers, worth a read",
    "vous offrez des formations pour repérer le risque suicidaire au travail?",
    "we need a training on how to recognise self harm in teens",
    "dans la série le personnage se suicide au dernier épisode",
    "perdi a mi abuela por suicidio hace años, gracias por hablar de esto",
    "how do I talk about suicide with my students without scaring them?",
    "Suicide Squad's on tonight, popcorn ready",
    "my uncle died last week, it was a heart attack, not suicide",
    "l'an passé j'avais des idées noires, asteure ça va mieux",
    "go jump off a bridge, nobody likes you",
]


def test_lexicons_are_written_as_the_text_is_read() -> None:
    """Every fragment is matched against folded text (accents and hamzas stripped): a letter
    that folding changes can never match ("kossé" and "أريد أن أموت" never did before 0.7.0)."""
    from plugins.classifiers import mots_cles

    lexicons = [
        v
        for k, v in vars(mots_cles).items()
        # the phrases of other languages are folded when compiled
        if k.isupper() and isinstance(v, tuple) and not k.lstrip("_").startswith("WORLD_")
    ]
    lexicons += [f for pair in mots_cles.CRISIS_SIGNALS.values() for f in pair]
    unfoldable = {
        (fragment[:30], ch)
        for lexicon in lexicons
        for fragment in lexicon
        if isinstance(fragment, str)
        for ch in set(fragment)
        if not ch.isascii() and mots_cles._fold(ch) != ch
    }
    assert not unfoldable


# A review of the first 0.7.0 wrote these; each failed on it.
REVIEW_070_CRISIS = [
    "j'ai regardé la série 13 reasons why hier et depuis jsuis suicidaire",
    "watched the netflix show last night and ive been suicidal all day",
    "ma blonde a écouté la série pis là elle parle de suicide, elle répond plus",
    "perso je pense au suicide chaque soir depuis un mois",
    "f 16 suicidal and alone tonight",
    "2 suicide attempts this month and tonight might be the 3rd",
    "it's not suicide if nobody cares right",
    "talking about suicide gives me relief, i think about it every night now",
    "im gonna go jump off a bridge tonight",
    "my brother texted that he's gonna go jump off a bridge, what do i do",
    "il y a 6 mois j'étais suicidaire, asteure c'est pire",
    "depuis y a 2 mois j'ai plus d'idées noires que jamais, j'ai acheté des cachets",
    "💊💊💊 ce soir. pardon à tous 🖤",
]
REVIEW_070_NOT_CRISIS = [
    "💊💊💊 Rappel : la pharmacie sera fermée lundi",
    "New vitamins in stock 💊💊💊",
    "Prise de sang ce matin 😢🩸",
    "First time donating blood 😔🩸",
    "Lost my favourite chef knife 😭🔪",
    "o médico disse adeus e desligou na minha cara",
    "nalingi kowumela na bomoi",
    "nalingi kokufa te",
    "go jump off a bridge, nobody asked you",
]


def test_each_world_phrase_is_found_as_people_write_it() -> None:
    """0.8.0's phrases in other languages are written with their accents and scripts and
    folded when compiled: each one, in a sentence, is crisis."""
    from plugins.classifiers import world_crisis

    phrases = (
        *world_crisis.SPACED,
        *world_crisis.UNSPACED,
        *world_crisis.NEGATED_AFTER,
        *world_crisis.SAFER,
        *world_crisis.SAFER_UNSPACED,
        *world_crisis.TONED,
    )
    missed = [p for p in phrases if C.CRISIS not in classify(f"honestly, {p} tonight.").categories]
    assert not missed
    assert len(phrases) > 900


# 0.9.0: other persons, tenses and third parties in the audience's other languages, and their
# death idioms (written for these tests)
CRISIS_090 = [
    "kardeşim kendini öldüreceğini söylüyor, ne yapayım",  # noqa: RUF001
    "أخي قال إنه سيقتل نفسه الليلة",
    "meri behen keh rahi hai ki woh khud ko maar degi",
    "mi hijo dice que se quiere matar, ayuda por favor",
    "adikku bilang mau bunuh diri malam ini",
    "em trai tôi nói muốn tự tử",
    "我弟弟说要自杀，怎么办",  # noqa: RUF001
    "친구가 죽고 싶다고 했어요",
    "мой сын говорит, что хочет покончить с собой",  # noqa: RUF001 (Russian)
    "ich will nicht mehr leben, heute nacht ist schluss",
    "ayoko na mabuhay, gusto ko nang mamatay",
    "Ba tôi nói ba muốn tự tử",  # "ba" is a dad here, not Hausa's negation
    "zan kashe kaina yau da dare",
]
CRISIS_NOT_090 = [
    "kardeşimi geçen yıl intihar sonucu kaybettik",  # noqa: RUF001
    "gülmekten öldüm 😂",
    "açlıktan ölüyorum",  # noqa: RUF001
    "me muero de risa con este video",
    "mati ketawa aku 😂",
    "笑死我了",
    "배고파 죽겠다",
    "ich sterbe vor Lachen",
    "umieram ze śmiechu",
    "Ba zan kashe kaina ba.",
    "안 죽고 싶어",
    "mệt muốn chết",
    "không muốn tự tử đâu",
]

# A review of 0.9.0's draft of phrases in other languages wrote these (negations before and
# after, "don't want to live with...", everyday senses, hyperbole, news and past): each one
# matched the draft. Still read as crisis, and left so: "Não quero mais viver de aluguel" ("de"
# also starts "this way") and "Ze wil dood; de euthanasieaanvraag loopt" (assisted dying).
REVIEW_090_NOT_CRISIS = [
    "Не хочу жить с родителями, как снять квартиру?",  # noqa: RUF001
    "Mi abuela no quiere vivir en una residencia.",
    "Vết thương sẽ từ từ lành.",
    "Em muốn từ từ giảm cân.",
    "No me quiero morir, quiero curarme",
    "Não quero morrer",
    "Non voglio morire",
    "لا أريد أن أموت، أريد العلاج",
    "ما بدي موت",
    "আমি মরতে চাই না",
    "Mi padre tiene cáncer terminal y quiere morir en casa.",
    "Антибиотик на 7 дней — выпью все таблетки, даже если станет лучше.",
    "جرحت ايدي بالسكينة وأنا بقطع البصل، أحط إيه؟",
    "Heb mezelf weer gesneden bij het scheren.",
    "Me cortei de novo com a faca.",
    "Me volví a cortar el flequillo",
    "오늘 숙제 다 끝낼 거야",
    "Tatapusin ko na lahat ng assignments ko",
    "Esta noche acabo con todo el trabajo pendiente",
    "Als hij nog één keer liegt, maak ik er een einde aan",
    "Voglio farla finita con le sigarette",
    "Ich bringe mich um den Schlaf, weil ich nachts am Handy hänge.",
    "我想死你了！",  # noqa: RUF001
    "Nie chcę umrzeć, chcę się leczyć",
    "Nu vreau să mor",
    "Nu mă omor după sport.",
    "Μην ανησυχείς μαμά, δεν θα αυτοκτονήσω",
    "Aku gak mau bunuh diri, cuma capek",
    "Saya tak nak bunuh diri",
    "我不想自杀",
    "자살하고 싶지 않아",
    "Ba zan kashe kaina ba.",
    "Waxaan ka baqayaa inaan dhinto",
    "Nakomiboma te.",
    "굳이 비싼 영양제를 살 이유가 없어요.",
    "Muszę to wszystko skończyć do piątku.",
    "Das ist meine letzte Nachricht zu diesem Thema",
    "Este es mi último mensaje en este hilo",
    "Mijn collega stuurde een afscheidsbericht op haar laatste werkdag.",
    "Tere bina nahi jee sakta ❤️",
    "Neend nahi aati, kya neend ki goliyan kha loon?",
    "Ο πίνακας θα κρεμαστεί στο σαλόνι.",  # noqa: RUF001
    "Kaun marna chahta hai?",
    "В 2015 году пыталась покончить с собой, сейчас всё хорошо",  # noqa: RUF001
    "他选择结束自己的生命",
    "Babamın intihar edeceğini hiç düşünmemiştim.",  # noqa: RUF001
    "Dice che si butta nel nuovo lavoro.",
    "Mio marito dice che si ammazza di lavoro per noi.",
    "zabiję się na tych obcasach",
]

# A review of the whole 0.9.0 change wrote these: French "ne ... plus" is not a foreign
# negation, Polish "tak" is "so", "그동안" ends in 안 and "ทำไม" in ไม, "this world" after "live
# in", and the idioms of "farla finita con tutto" and "um die Ecke"
REVIEW_090B_CRISIS = [
    "je ne veux plus vivre",
    "je ne peux plus vivre comme ça",
    "je ne serai plus là",
    "tak chcę umrzeć",
    "그동안 죽고 싶다",
    "ทำไมฉันอยากตาย",
    "그동안\n죽고 싶다",
    "не хочу жить в этом мире",
    "nie chcę żyć w tym świecie",
    "sitaki kuishi na maumivu haya",
    "voglio farla finita con tutto",
    "ich bringe mich um die Ecke",
]
REVIEW_090B_NOT = [
    "saya tak nak bunuh diri",
    "안 죽고 싶어",
    "ไม่อยากฆ่าตัวตาย",
    "Voglio farla finita con le sigarette",
]
REVIEW_090B_NOT_ABUSE = [
    "meu filho é gago, alguma dica?",
    "ontsteking van de eikel, wat te doen?",
    "makan buah salak enak",
]


@pytest.mark.parametrize("text", REVIEW_090B_NOT_ABUSE)
def test_review_090_medical_and_everyday_words_are_not_insults(text: str) -> None:
    assert C.ABUSE not in classify(text).categories, classify(text).reasons


# 0.6 to 0.9: each rule family's lists (written for the tests, and the reviews' examples)
# under one assertion each.
@pytest.mark.parametrize(
    "text",
    [
        *CRISIS_060,
        *REVIEW_060_CRISIS,
        *REVIEW_060B_CRISIS,
        *CRISIS_070,
        *REVIEW_070_CRISIS,
        *CRISIS_090,
        *REVIEW_090B_CRISIS,
    ],
)
def test_060_070_present_crises_are_crisis(text: str) -> None:
    assert C.CRISIS in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        *CRISIS_NOT_060,
        *REVIEW_060_NOT_CRISIS,
        *REVIEW_060B_NOT_CRISIS,
        *CRISIS_NOT_070,
        *CRISIS_NOT_090,
        *REVIEW_090_NOT_CRISIS,
        *REVIEW_090B_NOT,
        *REVIEW_070_NOT_CRISIS,
    ],
)
def test_060_070_signals_frames_recoveries_and_jokes_are_not_crisis(text: str) -> None:
    assert C.CRISIS not in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize("text", [*QUESTIONS_060, *REVIEW_060_QUESTIONS, *REVIEW_060B_QUESTIONS])
def test_060_real_questions_are_questions(text: str) -> None:
    assert C.QUESTION in classify(text).categories, classify(text).reasons


@pytest.mark.parametrize(
    "text", [*QUESTIONS_NOT_060, *REVIEW_060_NOT_QUESTIONS, *REVIEW_060B_NOT_QUESTIONS]
)
def test_060_rhetorical_exclaimed_and_answered_questions_are_not(text: str) -> None:
    assert C.QUESTION not in classify(text).categories, classify(text).reasons
