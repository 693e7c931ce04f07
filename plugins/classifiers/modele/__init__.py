"""The ``modele`` classifier: a small statistical layer over the keyword rules.

A linear model over hashed character n-grams (2 to 5) and word unigrams and bigrams, one
set of weights per category (one-vs-rest), trained on the project's labeled comments by
``python -m plugins.classifiers.modele.train`` (scikit-learn, a development dependency
only). What ships is ``weights.npz`` (read with numpy, nothing downloaded at run time) and
``report.json``: the cross-validated figures the thresholds were chosen on, and the weights'
SHA-256.

It exists because the rules overfit the comments they were tuned on (crisis recall 0.985
there, 0.74 to 0.80 on unseen text): n-grams catch the spellings and paraphrases no rule
lists. It is composed with the rules, never a replacement: a category is shipped only where
adding the model's verdict to the rules' improved the cross-validated result.
"""

from plugins.classifiers.modele.classifier import NAME, VERSION, ModeleClassifier

__all__ = ["NAME", "VERSION", "ModeleClassifier"]
