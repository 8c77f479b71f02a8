"""The learned indication classifier beside the rules: features of a note's findings (:mod:`.features`) and the
model, its training and how it combines with the rules (:mod:`.model`)."""
from .model import (CLASSIFIERS, DEFAULT_CLASSIFIER, IndicationModel, ModelFileError, classify, default_model,
                    model_card, train, training_fits)

__all__ = ["CLASSIFIERS", "DEFAULT_CLASSIFIER", "IndicationModel", "ModelFileError", "classify", "default_model",
           "model_card", "train", "training_fits"]
