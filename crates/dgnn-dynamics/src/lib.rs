//! dgnn-dynamics (being built; see ARCHITECTURE.md).
