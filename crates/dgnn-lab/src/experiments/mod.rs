//! The experiments, one module each (see [`crate::catalogue`] for the list by name).

pub mod energy_information;
