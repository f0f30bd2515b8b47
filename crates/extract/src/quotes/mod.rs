//! Quotations and their speakers.
