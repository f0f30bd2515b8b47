//! Named-entity recognition.
