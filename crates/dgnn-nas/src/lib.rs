//! dgnn-nas (being built; see ARCHITECTURE.md).
