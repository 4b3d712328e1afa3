"""components/fast_nlu.py gives Rasa's own sentence features and intent rankings, trained on this project's data."""

import copy
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from components.fast_nlu import SentenceCountVectorsFeaturizer, SentenceLogisticRegressionClassifier

ROOT = Path(__file__).resolve().parents[2]
WORDS: dict = {}
CHARS = {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}
CLASSIFIER = {"max_iter": 300, "solver": "lbfgs", "tol": 0.0001, "random_state": 42}
PROBES = [
    "I have thought about ending my life",
    "the rota will be the death of me",
    "skip",
    "why do you ask that?",
    "I work part time in a GP practice",
    "ja",
    "",
    "<img src=x onerror=alert(1)>",
    "🙂🙂",
]


def pipeline(tmp_path, name, featurizer_class, classifier_class):
    (tmp_path / name).mkdir()
    storage = LocalModelStorage(tmp_path / name)
    context = ExecutionContext(graph_schema=None, model_id=name)

    def make(cls, config, node):
        return cls.create({**cls.get_default_config(), **config}, storage, Resource(node), context)

    tokenizer = make(WhitespaceTokenizer, {}, "tokens")
    featurizers = [make(featurizer_class, WORDS, "words"), make(featurizer_class, CHARS, "chars")]
    data = copy.deepcopy(load_data(str(ROOT / "data" / "nlu")))
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)
    classifier = make(classifier_class, CLASSIFIER, "intents")
    classifier.train(data)

    def parse(text):
        message = Message({TEXT: text})
        tokenizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        classifier.process([message])
        return message

    return data, parse


def test_the_features_and_rankings_are_rasas_own(tmp_path):
    rasa_data, rasa_parse = pipeline(tmp_path, "rasa", CountVectorsFeaturizer, LogisticRegressionClassifier)
    our_data, our_parse = pipeline(
        tmp_path, "ours", SentenceCountVectorsFeaturizer, SentenceLogisticRegressionClassifier
    )
    texts = [m.get(TEXT) for m in rasa_data.intent_examples] + PROBES
    assert len(texts) > 250
    for text in texts:
        theirs, ours = rasa_parse(text), our_parse(text)
        assert ours.get("intent_ranking") == theirs.get("intent_ranking"), text
        sentence_theirs = theirs.get_sparse_features(TEXT)[1]
        sentence_ours = ours.get_sparse_features(TEXT)[1]
        if sentence_theirs is None:
            assert sentence_ours is None
        else:
            assert np.array_equal(sentence_ours.features.toarray(), sentence_theirs.features.toarray())
        assert ours.get_sparse_features(TEXT)[0] is None, "no per-token features are built"
