"""Rasa's count-vector featurizer and logistic-regression classifier, without the work nobody here uses.

In this pipeline (config.yml) the only reader of the count vectors is the logistic regression, and it reads
only the sentence features (one row per message). Rasa's featurizer also builds sequence features (one row
per token) for every message, and its classifier glues an empty dense block onto every row. py-spy put the
two at about 13 % of the Rasa server's time per turn. These subclasses skip exactly that:

- `SentenceCountVectorsFeaturizer`: the same vectorizers, trained the same way, the same sentence features;
  no sequence features. Only for pipelines where nothing reads sequence features (DIET, TED, entity
  extractors and response selectors do: use Rasa's own featurizer with them).
- `SentenceLogisticRegressionClassifier`: the same classifier; when a message has no dense features its
  row is the sentence features themselves, which is what Rasa's stacking with an empty block produced.

tests/components/test_fast_nlu.py checks that the features and the intent rankings are Rasa's own.
"""

from __future__ import annotations

from typing import Any

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[list[Any], list[Any]]:
        sentence_features: list[Any] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            vector = self.vectorizers[attribute].transform([" ".join(tokens)])
            vector.sort_indices()
            sentence_features.append(vector.tocoo())
        return [None] * len(all_tokens), sentence_features


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceLogisticRegressionClassifier(LogisticRegressionClassifier):
    def _create_X(self, messages: list) -> scipy.sparse.csr_matrix:
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            if sparse is None or dense is not None:
                return super()._create_X(messages)  # Rasa's own stacking for anything else
            rows.append(scipy.sparse.csr_matrix(sparse.features))
        return scipy.sparse.vstack(rows)
