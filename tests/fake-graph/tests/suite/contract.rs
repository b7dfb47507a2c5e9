//! Each contract check can fail: a fixture with a wrong enum, a wrong type, an invented
//! property, a wrong @odata.type or a beta name that does not exist stops the fake at start-up;
//! an unknown path, an undeclared query option, a wipe body Graph would refuse are refused
//! (400) and recorded; a response the schema refuses is never served. Each prints its message.

use crate::support::*;
use fake_graph::{FakeGraph, Options};
use serde_json::{json, Value};

async fn start_error(change: impl Fn(&str, &mut Value)) -> String {
    let dir = fixtures_with(change);
    let options = Options { fixture_dir: dir.path().to_owned(), ..Options::default() };
    match FakeGraph::start(options).await {
        Ok(_) => panic!("the fake started with a fixture Graph would not serve"),
        Err(e) => {
            println!("{e}\n");
            e.to_string()
        }
    }
}

fn device(document: &mut Value, index: usize) -> &mut Value {
    &mut document["value"][index]
}

#[tokio::test]
async fn a_fixture_with_a_wrong_enum_value_stops_the_fake() {
    let message = start_error(|file, doc| {
        if file == "managedDevices.json" {
            device(doc, 2)["complianceState"] = json!("inGracePeriode");
        }
    })
    .await;
    assert!(message.contains("managedDevices.json: /value/2/complianceState"), "{message}");
    assert!(message.contains("\"inGracePeriode\" is not one of"), "{message}");
}

#[tokio::test]
async fn a_fixture_with_a_wrong_type_stops_the_fake() {
    let message = start_error(|file, doc| {
        if file == "managedDevices.json" {
            device(doc, 0)["jailBroken"] = json!(false); // a string in Graph
            device(doc, 1)["isEncrypted"] = json!("yes");
        }
    })
    .await;
    assert!(message.contains("/value/0/jailBroken: false is not of types \"null\", \"string\""), "{message}");
    assert!(message.contains("/value/1/isEncrypted: \"yes\" is not of type \"boolean\""), "{message}");
}

#[tokio::test]
async fn a_fixture_with_an_invented_property_or_a_wrong_odata_type_stops_the_fake() {
    let message = start_error(|file, doc| {
        if file == "managedDevices.json" {
            device(doc, 0)["batteryLevel"] = json!(80);
        }
        if file == "mobileApps.json" {
            doc["value"][0]["bundleId"] = json!(5); // on an iosStoreApp: the base type's anyOf would let it pass
            doc["value"][1]["@odata.type"] = json!("#microsoft.graph.iosStoreApp"); // an androidStoreApp's properties
            doc["value"][2].as_object_mut().map(|o| o.remove("@odata.type")); // mobileApp is abstract
        }
    })
    .await;
    assert!(message.contains("managedDevices.json: /value/0/batteryLevel: property \"batteryLevel\" is not declared on #microsoft.graph.managedDevice"), "{message}");
    // The first fixture file with findings stops the start; mobileApps.json is checked next on its own.
    let message = start_error(|file, doc| {
        if file == "mobileApps.json" {
            doc["value"][0]["bundleId"] = json!(5);
            doc["value"][1]["@odata.type"] = json!("#microsoft.graph.iosStoreApp");
            doc["value"][2].as_object_mut().map(|o| o.remove("@odata.type"));
            doc["value"][3]["assignments"][0]["intent"] = json!("mandatory");
        }
    })
    .await;
    assert!(
        message.contains("mobileApps.json: /value/0/bundleId: 5 is not of types \"null\", \"string\""),
        "{message}"
    );
    assert!(
        message.contains("/value/1/packageId: property \"packageId\" is not declared on #microsoft.graph.iosStoreApp"),
        "{message}"
    );
    assert!(message.contains("/value/2: @odata.type is required: microsoft.graph.mobileApp is abstract"), "{message}");
    assert!(message.contains("/value/3/assignments/0/intent: \"mandatory\" is not one of"), "{message}");
}

#[tokio::test]
async fn a_fixture_with_a_beta_name_that_does_not_exist_stops_the_fake() {
    let message = start_error(|file, doc| {
        if file == "beta-intuneBrandingProfiles.json" {
            doc["value"][0]["darkBackgroundLogo"] = json!(null); // intuneBrand has it; intuneBrandingProfile does not
            doc["value"][1]["enrollmentAvailability"] = json!("sometimes");
        }
    })
    .await;
    assert!(message.contains("beta-intuneBrandingProfiles.json: /value/0/darkBackgroundLogo: property \"darkBackgroundLogo\" does not exist on beta intuneBrandingProfile"), "{message}");
    assert!(
        message.contains(
            "/value/1/enrollmentAvailability: \"sometimes\" is not a member of beta enrollmentAvailabilityOptions"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_schema_folder_is_a_clear_error() {
    let options = Options { contract_dir: "/nonexistent/shared/graph".into(), ..Options::default() };
    let message = match FakeGraph::start(options).await {
        Ok(_) => panic!("started without the schema"),
        Err(e) => e.to_string(),
    };
    println!("{message}");
    assert!(
        message.contains("v1.0-intune-subset.openapi31.json") && message.contains("GRAPH_CONTRACT_DIR"),
        "{message}"
    );
}

#[tokio::test]
async fn requests_graph_would_refuse_are_400_and_recorded() {
    let graph = start().await;
    let cases: Vec<(&str, String, Option<Value>, &str)> = vec![
        ("GET", "/v1.0/deviceAppManagement/mobileAppz".into(), None, "Resource not found for the segment 'mobileAppz'"),
        (
            "GET",
            "/v1.0/deviceAppManagement/mobileApps?$selct=id".into(),
            None,
            "query option \"$selct\" is not declared",
        ),
        (
            "GET",
            format!("/v1.0/users/{AMARA}/managedDevices?$select=id,batteryLevel"),
            None,
            "\"batteryLevel\" is not a property of managedDevice",
        ),
        (
            "GET",
            "/v1.0/deviceAppManagement/mobileApps?$expand=installs".into(),
            None,
            "\"installs\" is not a navigation property",
        ),
        (
            "GET",
            "/v1.0/deviceAppManagement/mobileApps?$top=many".into(),
            None,
            "\"many\" is not a non-negative integer",
        ),
        (
            "GET",
            format!("/v1.0/users/{AMARA}?$top=1"),
            None,
            "query option \"$top\" is not declared for GET /users/{id}",
        ),
        // A wipe body Graph would refuse: a wrong type, an invented parameter.
        (
            "POST",
            format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/wipe"),
            Some(json!({"keepUserData": "yes"})),
            "/keepUserData: \"yes\" is not of types",
        ),
        (
            "POST",
            format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/wipe"),
            Some(json!({"keepData": true})),
            "/keepData: property \"keepData\" is not declared on this object",
        ),
        (
            "POST",
            format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/syncDevice"),
            Some(json!({"force": true})),
            "takes no request body",
        ),
        (
            "POST",
            format!("/beta/deviceManagement/managedDevices/{AMARA_IPHONE}/setDeviceName"),
            Some(json!({"name": "x"})),
            "setDeviceName has no parameter \"name\"",
        ),
        (
            "POST",
            format!("/v1.0/groups/{G_SALES}/members/$ref"),
            Some(json!({"id": AMARA})),
            "\"@odata.id\" is a required property",
        ),
    ];
    for (method, path, body, expected) in &cases {
        let (status, answer) = graph.send(method, path, body.clone()).await;
        let message = answer["error"]["message"].as_str().unwrap_or("").to_owned();
        println!("{method} {path} -> {status} {message}");
        assert!(status == 400, "{method} {path}: {status} {answer}");
        assert!(message.contains(expected), "{method} {path}: {message}");
        assert!(answer["error"]["innerError"]["request-id"].is_string(), "{answer}");
    }
    let violations = graph.fake.violations();
    assert!(violations.len() >= cases.len(), "{violations:#?}");
    assert!(violations.iter().all(|v| v.kind == "request"));
    assert!(graph.fake.writes().is_empty(), "a refused request is no write");
}

#[tokio::test]
async fn a_batch_graph_would_refuse_is_400_and_its_inner_requests_are_checked() {
    let graph = start().await;
    let requests: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/deviceAppManagement/mobileAppCategories"}))
        .collect();
    let (status, answer) = graph.post("/v1.0/$batch", json!({"requests": requests})).await;
    assert_eq!(status, 400, "{answer}");
    println!("21 requests -> {}", answer["error"]["message"]);
    let (status, answer) = graph
        .post(
            "/v1.0/$batch",
            json!({"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/users"}]}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = graph
        .post("/v1.0/$batch", json!({"requests": [
            {"id": "1", "method": "GET", "url": "/deviceAppManagement/mobileAppCategories?$selct=id"},
            {"id": "2", "method": "GET", "url": "/deviceAppManagement/mobileAppCategories?$top=1"},
            {"id": "3", "method": "POST", "url": format!("/deviceManagement/managedDevices/{AMARA_IPHONE}/syncDevice"), "body": {"force": true}, "headers": {"Content-Type": "application/json"}},
        ]}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["responses"][0]["status"], 400, "{answer}");
    assert_eq!(answer["responses"][1]["status"], 200, "{answer}");
    assert_eq!(answer["responses"][2]["status"], 400, "{answer}");
    // A body without its Content-Type: the batch itself is refused.
    let (status, answer) = graph
        .post("/v1.0/$batch", json!({"requests": [{"id": "1", "method": "POST", "url": format!("/deviceManagement/managedDevices/{AMARA_IPHONE}/syncDevice"), "body": {}}]}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(graph.fake.violations().iter().any(|v| v.message.contains("$selct")));
}

#[tokio::test]
async fn a_response_the_schema_refuses_is_not_served() {
    let graph = start().await;
    // Something only a bug of the fake could do: a state the schema refuses.
    graph.fake.shared().org().managed[0]["complianceState"] = json!("fine");
    let (status, answer) = graph.get(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}")).await;
    println!("{status} {}", answer["error"]["message"]);
    assert_eq!(status, 500);
    let violations = graph.fake.violations();
    assert!(violations.iter().any(|v| v.kind == "response" && v.pointer == "/complianceState"), "{violations:#?}");
}

#[tokio::test]
async fn start_up_is_quick_and_the_fixtures_are_valid() {
    let started = std::time::Instant::now();
    let graph = start().await;
    let elapsed = started.elapsed();
    println!(
        "start-up (schema load, fixtures checked, first token): {elapsed:?}; {} validators compiled",
        graph.fake.shared().contract.compiled_validators()
    );
    graph.assert_no_violations();
}
