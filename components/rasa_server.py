"""`rasa run`, without loading TensorFlow when the model has no component that uses it.

    python -m components.rasa_server run --model models/doctor-support.tar.gz ...     (bot.ops.launch starts this)

Rasa 3.6 imports TensorFlow in every server, whatever the model (`rasa.core.agent` → … →
`rasa.utils.tensorflow.callback`, which subclasses a Keras class at import): 541 MB resident and about
4.5 s at start-up here, for a model (config.yml) that never calls it. Before Rasa is imported, this reads
the model's own list of components (metadata.json in the model archive); when every one of them is known
not to use TensorFlow, `import tensorflow` (and its submodules) gives stand-ins instead: classes that can be
subclassed and used as decorators at import time, which is all Rasa does with TensorFlow on this path.
A model with any other component (Rasa's default pipeline, DIET, TED, a component from elsewhere) gets the
real TensorFlow, as does any process with `REAL_TENSORFLOW=1`. Then Rasa's own `main()` runs unchanged.

It also applies this project's changes to Rasa's code (components/patches.py: the speed-ups, the fault
handling, the guarded API) before Rasa starts, and tunes Python's garbage collector for Rasa's many
short-lived objects (see main()). Everything else is Rasa's: arguments, logging, the server.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import json
import logging
import os
import sys
import tarfile
from pathlib import Path
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)

# Rasa 3.6's graph components that never touch TensorFlow (read from their source), and the providers and
# converters every model graph has.
TENSORFLOW_FREE = frozenset(
    {
        "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
        "rasa.core.policies.rule_policy.RulePolicy",
        "rasa.core.policies.memoization.MemoizationPolicy",
        "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
        "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
        "rasa.graph_components.providers.domain_provider.DomainProvider",
        "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
        "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
        "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
        "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
        "rasa.nlu.classifiers.keyword_intent_classifier.KeywordIntentClassifier",
        "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
        "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
        "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
        "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
        "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
        "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    }
)
# This project's own components: none of them imports TensorFlow (tests/components checks it).
OWN_PREFIX = "components."
STAND_IN_ROOTS = ("tensorflow", "tensorflow_addons", "tensorflow_text", "tensorflow_hub", "keras")
# Every name looked up or called on a stand-in, in order: the tests check that nothing is added after the
# model has loaded, i.e. that answering messages never touches TensorFlow.
USED: list[str] = []


def model_components(model: Path) -> set[str]:
    """The classes of the model's prediction graph, from the metadata.json Rasa writes into the archive."""
    with tarfile.open(model, "r:gz") as archive:
        for name in ("metadata.json", "/metadata.json", "./metadata.json"):
            try:
                member = archive.getmember(name)
            except KeyError:
                continue
            metadata = json.load(archive.extractfile(member))
            return {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}
    raise ValueError(f"{model} has no metadata.json: not a Rasa 3 model")


def needs_tensorflow(model: Path) -> bool:
    try:
        uses = model_components(model)
    except (OSError, ValueError, KeyError, tarfile.TarError):
        return True  # cannot tell: the real thing
    return any(not (use in TENSORFLOW_FREE or use.startswith(OWN_PREFIX)) for use in uses)


class _StandInType(type):
    """The type of TensorFlow stand-ins: they can be looked into, subclassed, called and used as decorators."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") or not cls.__dict__.get("_stand_in"):
            raise AttributeError(name)
        value = stand_in(f"{cls.__qualname__}.{name}")
        USED.append(value.__qualname__)
        setattr(cls, name, value)
        return value

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.__dict__.get("_stand_in"):
            return super().__call__(*args, **kwargs)  # a class of Rasa's that subclasses a stand-in
        USED.append(f"{cls.__qualname__}()")
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # @tf.function and the like: the function itself
        return stand_in(f"{cls.__qualname__}()")


def stand_in(name: str) -> type:
    return _StandInType(name.rsplit(".", 1)[-1], (), {"_stand_in": True, "__qualname__": name})


class _StandInModule(ModuleType):
    __version__ = "0+not-loaded"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = stand_in(f"{self.__name__}.{name}")
        USED.append(value.__qualname__)
        setattr(self, name, value)
        return value


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.split(".")[0] not in STAND_IN_ROOTS:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: Any) -> ModuleType:
        module = _StandInModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: ModuleType) -> None:
        return None


def use_stand_ins() -> None:
    loaded = [name for name in sys.modules if name.split(".")[0] in STAND_IN_ROOTS]
    if loaded:
        raise RuntimeError(f"TensorFlow is already imported ({loaded[0]}): too late for stand-ins")
    if not any(isinstance(finder, _StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StandInFinder())


def model_argument(argv: list[str]) -> Path | None:
    for index, arg in enumerate(argv):
        if arg in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
    return None


def main() -> None:
    model = model_argument(sys.argv[1:])
    if model is not None and os.environ.get("REAL_TENSORFLOW") != "1" and not needs_tensorflow(model):
        use_stand_ins()
        os.environ["DOCTOR_SUPPORT_TENSORFLOW"] = "stand-ins"
    sys.argv[0] = "rasa"
    # This project's changes to Rasa's code (components/patches.py), checked and applied before Rasa loads the
    # model and the channels; a Rasa they do not fit stops here with the list of what is missing.
    from components import patches

    try:
        patches.apply_all()
    except patches.PatchError as exc:
        raise SystemExit(str(exc)) from None
    from rasa.__main__ import main as rasa_main

    # Rasa allocates tens of thousands of small objects a turn (events, states, features): with Python's
    # default thresholds the cyclic collector ran many times a turn over every object Rasa had imported.
    # The imported modules are set aside for good, and the young generation collected less often:
    # about 5 % more turns a second in `make bench`, memory unchanged (docs/performance.md).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    rasa_main()


if __name__ == "__main__":
    main()
