//! dgnn-glia (being built; see ARCHITECTURE.md).
