//! One module a page. Apps, Devices and Protected apps are placeholders until their issues land.

pub mod apps;
pub mod devices;
pub mod help;
pub mod home;
pub mod landing;
pub mod not_found;
pub mod notifications;
pub mod protected_apps;
pub mod protection_about;
pub mod settings;
pub mod sign_in_failed;
