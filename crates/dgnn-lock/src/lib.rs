//! dgnn-lock (being built; see ARCHITECTURE.md).
