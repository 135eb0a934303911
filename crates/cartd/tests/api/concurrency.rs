//! POLICY F8: concurrent writes to one cart never lose an update.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_to_one_cart_are_all_kept() {
    let app = TestApp::spawn().await;
    let key = "hot-cart-under-test";
    let url = app.url(&format!("/cart/add-item?cart_key={key}"));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let client = app.client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&json!({"id": "48", "quantity": "1"})).send().await.map(|r| r.status().as_u16())
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap().unwrap() == 200 {
            ok += 1;
        }
    }
    assert!(ok >= 48, "only {ok} adds were acknowledged");
    let count = app.get(&format!("/cart/items/count?cart_key={key}"), 200).await.text;
    assert_eq!(count, ok.to_string());
    app.stop().await;
}
