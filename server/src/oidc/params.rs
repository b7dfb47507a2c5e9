//! Request parameters as OAuth 2.0 reads them (RFC 6749 §3.1): form-urlencoded, each at most
//! once, empty values treated as absent. Parsed by hand so a malformed request becomes an
//! OAuth error rather than the framework's plain-text rejection.

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Parses `input`; `Err(name)` names a parameter that was sent more than once.
    pub fn parse(input: &str) -> Result<Params, String> {
        let mut map = HashMap::new();
        for (k, v) in url::form_urlencoded::parse(input.as_bytes()) {
            if v.is_empty() {
                continue;
            }
            if map.insert(k.to_string(), v.into_owned()).is_some() {
                return Err(k.into_owned());
            }
        }
        Ok(Params(map))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::Params;

    #[test]
    fn repeated_parameters_are_refused_and_empty_ones_ignored() {
        assert_eq!(Params::parse("a=1&a=2").err().as_deref(), Some("a"));
        let p = Params::parse("a=1&b=&c=x%20y").expect("parses");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
    }
}
