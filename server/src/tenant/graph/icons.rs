//! App icons and the organisation's logo, served from the portal's own origin: the page
//! never loads another host, and Graph is asked for each icon once (`largeIcon` is not in
//! list answers). Only raster images are kept (an SVG from outside could carry script).

use super::client::{BatchRequest, GraphClient, Version, BATCH_MAX};
use super::model::MimeContent;
use base64::Engine;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The key the organisation's logo is kept under (no app id has a slash).
pub const LOGO: &str = "/logo";
/// Icons larger than this are not kept (Intune's are a few KB).
const MAX_BYTES: usize = 512 * 1024;
const RASTER_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

pub use crate::tenant::Image as Icon;

#[derive(Clone)]
pub struct Icons {
    graph: GraphClient,
    /// By app id (and [`LOGO`]); `None`: asked, and there is no usable icon.
    known: Arc<Mutex<HashMap<String, Option<Arc<Icon>>>>>,
}

impl Icons {
    pub fn new(graph: GraphClient) -> Icons {
        Icons { graph, known: Default::default() }
    }

    pub async fn get(&self, id: &str) -> Option<Arc<Icon>> {
        self.known.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned().flatten()
    }

    /// Keeps the logo from `intuneBrand`; whether there is one to show.
    pub fn remember_logo(&self, logo: Option<&MimeContent>) -> bool {
        let icon = logo.and_then(decode).map(Arc::new);
        let present = icon.is_some();
        self.known.lock().unwrap_or_else(|e| e.into_inner()).insert(LOGO.to_string(), icon);
        present
    }

    /// Asks Graph for the icons of the apps not asked about yet (20 to a `$batch`); the ids
    /// of every app that has one.
    pub async fn fetch_missing(&self, app_ids: Vec<String>) -> HashSet<String> {
        let missing: Vec<String> = {
            let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
            app_ids.iter().filter(|id| !known.contains_key(*id)).cloned().collect()
        };
        for chunk in missing.chunks(BATCH_MAX) {
            let requests = chunk
                .iter()
                .enumerate()
                .map(|(i, id)| BatchRequest {
                    id: i.to_string(),
                    method: "GET",
                    url: format!("/deviceAppManagement/mobileApps/{}?$select=id,largeIcon", super::path_segment(id)),
                })
                .collect();
            match self.graph.batch(Version::V1, requests).await {
                Ok(answers) => {
                    let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
                    for (i, id) in chunk.iter().enumerate() {
                        // An app whose answer failed is asked again at the next catalog read.
                        if let Some(Ok(app)) = answers.get(&i.to_string()) {
                            let icon = app
                                .get("largeIcon")
                                .filter(|v| !v.is_null())
                                .and_then(|v| serde_json::from_value::<MimeContent>(v.clone()).ok())
                                .and_then(|m| decode(&m))
                                .map(Arc::new);
                            known.insert(id.clone(), icon);
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!("graph: app icons could not be read ({e}); apps show without them for now");
                    break;
                }
            }
        }
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        app_ids.into_iter().filter(|id| known.get(id).is_some_and(Option::is_some)).collect()
    }
}

/// A raster image from a `mimeContent` (base64, standard or URL-safe).
fn decode(content: &MimeContent) -> Option<Icon> {
    let kind = content.kind.as_deref()?.trim().to_ascii_lowercase();
    let content_type = RASTER_TYPES.into_iter().find(|t| *t == kind)?;
    let text: String = content.value.as_deref()?.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&text)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .ok()?;
    (!bytes.is_empty() && bytes.len() <= MAX_BYTES).then_some(Icon { content_type, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_raster_images_only() {
        let png = MimeContent { kind: Some("image/png".into()), value: Some("iVBORw0KGgo=".into()) };
        assert_eq!(decode(&png).map(|i| (i.content_type, i.bytes.len())), Some(("image/png", 8)));
        let svg = MimeContent { kind: Some("image/svg+xml".into()), value: Some("PHN2Zy8+".into()) };
        assert!(decode(&svg).is_none());
        let broken = MimeContent { kind: Some("image/png".into()), value: Some("%%%".into()) };
        assert!(decode(&broken).is_none());
    }
}
