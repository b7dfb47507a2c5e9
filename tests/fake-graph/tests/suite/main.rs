//! The fake Graph's own tests, as one test binary (one link, one loaded contract for all).

// Not every test uses every helper and id of the fixture organisation.
#[allow(dead_code)]
mod support;

mod auth;
mod binary;
mod contract;
mod faults;
mod reads;
mod writes;
