"""The doctor-support assistant's own logic: everything that is not Rasa's."""
