pub mod contract;
pub mod fixtures;
pub mod time_util;
