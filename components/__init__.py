"""Rasa NLU components of this project: thin adapters around bot/."""
