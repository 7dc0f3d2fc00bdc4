"""Hand-templated customer-service conversations for training and evaluating the tagger."""
