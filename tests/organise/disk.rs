//! The last 100 MiB of the disk stay the games': announced uploads count
//! what the unfinished ones still owe, and each chunk is checked again.
//! The server runs on a 200 MiB tmpfs of its own (`unshare -rm`, no root).

use super::*;

const MIB: usize = 1024 * 1024;

/// Mounts a 200 MiB tmpfs on `$1` and runs the rest (the server); while
/// it runs, a file `fill` in `$2` has 150 MiB written beside the database,
/// and a file `free` there removes them again (each trigger file goes
/// once done).
const SMALL_DISK: &str = r#"set -e
mount -t tmpfs -o size=200m tmpfs "$1"
disk="$1"; triggers="$2"; shift 2
( while kill -0 $$ 2>/dev/null; do
    if [ -e "$triggers/fill" ]; then head -c 157286400 /dev/zero > "$disk/filler"; rm "$triggers/fill"; fi
    if [ -e "$triggers/free" ]; then rm -f "$disk/filler"; rm "$triggers/free"; fi
    sleep 0.1
  done ) &
exec "$@""#;

/// Creates `triggers/what` and waits until the wrapper has done it.
async fn trigger(triggers: &std::path::Path, what: &str) {
    let path = triggers.join(what);
    std::fs::write(&path, "").unwrap();
    for _ in 0..100 {
        if !path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the wrapper did not {what} the disk");
}

/// Whether `unshare -rm` may mount a tmpfs here; says why not (and fails
/// under `CI`).
fn can_mount() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let probe = std::process::Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount -t tmpfs -o size=1m tmpfs \"$1\"",
            "sh",
        ])
        .arg(dir.path())
        .output();
    match probe {
        Ok(out) if out.status.success() => true,
        other => {
            let why = format!("unshare -rm with a tmpfs mount: {other:?}");
            assert!(std::env::var_os("CI").is_none(), "{why}; CI must run it");
            eprintln!("SKIPPED: {why}");
            false
        }
    }
}

#[tokio::test]
async fn uploads_count_what_is_still_owed_and_each_chunk_keeps_the_reserve() {
    if !can_mount() {
        return;
    }
    let triggers = tempfile::tempdir().unwrap();
    let server = TestServer::builder()
        .wrapped_in(
            ["unshare", "-rm", "sh", "-c", SMALL_DISK, "sh", "{dir}"]
                .map(String::from)
                .into_iter()
                .chain([triggers.path().to_str().unwrap().to_string()])
                .collect(),
        )
        .start();
    let (status, event) = server
        .post_json("/api/organise/reunions", &json!({"title": "Small disk"}))
        .await;
    assert_eq!(status, 201, "{event}");
    let id = event["id"].as_u64().unwrap();
    // ~199 MiB free, 100 kept: three files of 25 MiB fit, a fourth not,
    // although nothing of them has arrived yet.
    let mut ids = Vec::new();
    let mut refusal = None;
    for n in 0..8 {
        let (status, v) = server
            .post_json(
                &format!("/api/organise/reunions/{id}/uploads"),
                &json!({"name": format!("Scan {n}.jpg"), "size": 25 * MIB}),
            )
            .await;
        if status != 201 {
            refusal = Some((status, v));
            break;
        }
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let (status, v) = refusal
        .unwrap_or_else(|| panic!("{} files of 25 MiB announced on a 200 MiB disk", ids.len()));
    assert_refused(status, &v, 507, "disk_full");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("keeps the games safe"),
        "{v}"
    );
    assert_eq!(ids.len(), 3, "{v}");

    // Something else fills the disk meanwhile: a chunk that would take
    // the reserve is refused, and nothing of it is kept.
    let send = |offset: usize| {
        server
            .http
            .patch(server.url(&format!("/api/organise/uploads/{}", ids[0])))
            .header("Upload-Offset", offset.to_string())
            .body(vec![0xAB; MIB])
            .send()
    };
    let (status, v) = status_and_json(send(0).await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    trigger(triggers.path(), "fill").await;
    let (status, v) = status_and_json(send(MIB).await.unwrap()).await;
    assert_refused(status, &v, 507, "disk_full");
    let (_, upload) = server
        .get_json(&format!("/api/organise/uploads/{}", ids[0]))
        .await;
    assert_eq!(upload["offset"], MIB, "{upload}");
    // Space freed: the same chunk goes on from where it stopped.
    trigger(triggers.path(), "free").await;
    let (status, v) = status_and_json(send(MIB).await.unwrap()).await;
    assert_eq!(
        (status, v["offset"].as_u64()),
        (200, Some(2 * MIB as u64)),
        "{v}"
    );
}
