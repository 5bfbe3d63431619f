"""The domain of the bourse aux initiatives: vocabulary, entities, rules and persistence."""
