//! dgnn-evo (being built; see ARCHITECTURE.md).
