//! Saving touches only what it was asked to write: it refuses anything that is not a regular
//! file the user may write, follows links only to regular files, keeps the old file's mode,
//! writes through no planted link, and leaves no temporary file behind, even when the saving
//! process is killed. Cases that need root (a device node, an unprivileged user) run only as
//! root, and say so on stderr otherwise.

use boltzviz::engine::SimRng;
use boltzviz::persist::atomic::{write_atomically, write_bytes};
use std::fs::{self, File};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::os::unix::net::UnixListener;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// The user and group `nobody`, for the unprivileged runs.
const NOBODY: u32 = 65534;

/// A save that takes longer than this is taken to be blocked (e.g. opening a FIFO).
const BLOCKED_AFTER: Duration = Duration::from_secs(5);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_boltzviz")
}

fn model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sessions/digits-rbm.ron")
}

fn is_root() -> bool {
    // /proc/self belongs to the process's effective user.
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).expect("metadata").mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Hidden `.tmp` files in `dir`, ours or an old build's.
fn temps_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect();
    names.sort();
    names
}

/// Saves through the library on a thread, failing the test if it blocks.
fn save(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let (path, bytes) = (path.to_owned(), bytes.to_vec());
    let (done, outcome) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("save".into())
        .spawn(move || {
            let _ = done.send(write_bytes(&path, &bytes).map_err(|e| e.to_string()));
        })
        .expect("spawn");
    outcome
        .recv_timeout(BLOCKED_AFTER)
        .expect("the save blocked or died")
}

/// Asserts a refusal: one line naming the path and containing `reason`.
fn assert_refused(path: &Path, bytes: &[u8], reason: &str) {
    let message = save(path, bytes).expect_err("the save should be refused");
    assert!(!message.contains('\n'), "not one line: {message:?}");
    assert!(
        message.contains(&path.display().to_string()) && message.contains(reason),
        "{message:?} should name {} and say {reason:?}",
        path.display()
    );
}

#[test]
fn read_only_files_are_refused_and_untouched_even_for_root() {
    let dir = scratch();
    for file_mode in [0o444, 0o400, 0o000] {
        let path = dir.path().join(format!("ro-{file_mode:o}.txt"));
        fs::write(&path, "old").expect("write");
        chmod(&path, file_mode);
        assert_refused(&path, b"new", "read-only");
        assert_eq!(mode(&path), file_mode);
        // Readable again, for a test run by an ordinary user.
        chmod(&path, 0o600);
        assert_eq!(fs::read(&path).expect("read"), b"old");
    }
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn the_old_files_mode_is_kept_and_a_new_file_gets_the_usual_one() {
    let dir = scratch();
    for file_mode in [0o600, 0o640, 0o755, 0o200] {
        let path = dir.path().join(format!("f-{file_mode:o}"));
        fs::write(&path, "old").expect("write");
        chmod(&path, file_mode);
        save(&path, b"new").expect("save");
        assert_eq!(mode(&path), file_mode, "{}", path.display());
        chmod(&path, 0o600);
        assert_eq!(fs::read(&path).expect("read"), b"new");
    }
    // A new file: 0666 minus the umask, as File::create makes it.
    let ordinary = dir.path().join("ordinary");
    File::create(&ordinary).expect("create");
    let fresh = dir.path().join("fresh");
    save(&fresh, b"new").expect("save");
    assert_eq!(mode(&fresh), mode(&ordinary));
    if is_root() {
        let theirs = dir.path().join("theirs");
        fs::write(&theirs, "old").expect("write");
        chmod(&theirs, 0o600);
        std::os::unix::fs::chown(&theirs, Some(NOBODY), Some(NOBODY)).expect("chown");
        save(&theirs, b"new").expect("save");
        let meta = fs::metadata(&theirs).expect("metadata");
        assert_eq!(
            (meta.uid(), meta.gid(), mode(&theirs)),
            (NOBODY, NOBODY, 0o600)
        );
    }
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn a_link_to_a_regular_file_is_followed_and_stays_a_link() {
    let dir = scratch();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).expect("mkdir");
    let data = real_dir.join("data.txt");
    fs::write(&data, "old").expect("write");
    chmod(&data, 0o640);
    let link = dir.path().join("link.txt");
    let link_to_link = dir.path().join("link2.txt");
    symlink("real/data.txt", &link).expect("symlink");
    symlink(&link, &link_to_link).expect("symlink");
    for (path, contents) in [(&link, "via link"), (&link_to_link, "via two links")] {
        save(path, contents.as_bytes()).expect("save through a link");
        assert_eq!(fs::read_to_string(&data).expect("read"), contents);
    }
    assert_eq!(
        fs::read_link(&link).expect("link"),
        Path::new("real/data.txt")
    );
    assert_eq!(fs::read_link(&link_to_link).expect("link"), link);
    assert_eq!(mode(&data), 0o640);
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
    assert_eq!(temps_in(&real_dir), Vec::<String>::new());
}

#[test]
fn links_to_nothing_or_to_what_is_not_a_regular_file_are_refused() {
    let dir = scratch();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).expect("mkdir");
    let cases = [
        ("dangling", "nowhere", "does not exist"),
        ("to-fifo", "fifo", "symbolic link to a FIFO"),
        ("to-folder", "folder", "symbolic link to a directory"),
        (
            "to-link-to-folder",
            "to-folder",
            "symbolic link to a directory",
        ),
    ];
    for (name, target, reason) in cases {
        let link = dir.path().join(name);
        symlink(target, &link).expect("symlink");
        assert_refused(&link, b"new", reason);
        assert_eq!(
            fs::read_link(&link).expect("still a link"),
            Path::new(target)
        );
    }
    assert!(!dir.path().join("nowhere").exists());
    assert!(fs::metadata(&fifo).expect("fifo").file_type().is_fifo());
    assert_eq!(fs::read_dir(&folder).expect("list").count(), 0);
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn a_fifo_a_socket_and_a_directory_are_refused_without_blocking() {
    let dir = scratch();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let socket = dir.path().join("socket");
    let _listener = UnixListener::bind(&socket).expect("bind");
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).expect("mkdir");
    assert_refused(&fifo, b"new", "it is a FIFO");
    assert_refused(&socket, b"new", "it is a socket");
    assert_refused(&folder, b"new", "it is a directory");
    assert!(fs::metadata(&fifo).expect("fifo").file_type().is_fifo());
    assert!(
        fs::metadata(&socket)
            .expect("socket")
            .file_type()
            .is_socket()
    );
    assert!(folder.is_dir());
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn a_device_is_refused_and_stays_a_device() {
    if !is_root() {
        eprintln!("skipped: making a device node needs root");
        return;
    }
    let dir = scratch();
    // The same device as /dev/null (character 1, 3), made where the test may lose it.
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .expect("run mknod");
    assert!(made.success(), "mknod failed");
    assert_refused(&null, b"new", "it is a character device");
    assert!(
        fs::metadata(&null)
            .expect("device")
            .file_type()
            .is_char_device()
    );
    // Through the command line too, as `--out /dev/null` was.
    let out = sample(&null, 10, None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("character device"));
    assert!(
        fs::metadata(&null)
            .expect("device")
            .file_type()
            .is_char_device()
    );
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn links_planted_at_temporary_names_are_neither_written_through_nor_removed() {
    let dir = scratch();
    let victim = dir.path().join("victim");
    fs::write(&victim, "precious").expect("write");
    let out = dir.path().join("out.txt");
    let pid = std::process::id();
    let planted = [
        // What older builds named their temporary file: predictable from the process id.
        format!(".out.txt.{pid}.tmp"),
        // Our pattern, this process and a process that no longer runs.
        format!(".out.txt.boltzviz-{pid}-AAAAAAAAAA.tmp"),
        format!(".out.txt.boltzviz-{}-AAAAAAAAAA.tmp", dead_pid()),
    ];
    for name in &planted {
        symlink(&victim, dir.path().join(name)).expect("symlink");
    }
    for round in 0..3 {
        save(&out, format!("round {round}").as_bytes()).expect("save");
    }
    assert_eq!(fs::read_to_string(&victim).expect("read"), "precious");
    assert_eq!(fs::read_to_string(&out).expect("read"), "round 2");
    for name in &planted {
        let link = dir.path().join(name);
        assert_eq!(fs::read_link(&link).expect("link kept"), victim);
    }
}

#[test]
fn abandoned_temporary_files_are_removed_and_live_ones_kept() {
    let dir = scratch();
    let dead = dead_pid();
    let pid = std::process::id();
    let abandoned = format!(".out.txt.boltzviz-{dead}-abcdefghij.tmp");
    let kept = [
        // This process (another thread may be writing it) and init, both alive.
        format!(".out.txt.boltzviz-{pid}-abcdefghij.tmp"),
        ".out.txt.boltzviz-1-abcdefghij.tmp".to_owned(),
        // Another file's, and names that are not our pattern.
        format!(".other.txt.boltzviz-{dead}-abcdefghij.tmp"),
        format!(".out.txt.{dead}.tmp"),
        format!(".out.txt.boltzviz-{dead}-abc.def.tmp"),
    ];
    for name in kept.iter().chain([&abandoned]) {
        fs::write(dir.path().join(name), "half").expect("write");
    }
    save(&dir.path().join("out.txt"), b"new").expect("save");
    let mut expected = kept.to_vec();
    expected.sort();
    assert_eq!(temps_in(dir.path()), expected);
}

#[test]
fn a_save_that_fails_or_panics_midway_leaves_the_old_file_and_no_temporary_file() {
    let dir = scratch();
    let path = dir.path().join("out.txt");
    fs::write(&path, "old").expect("write");
    let failed = write_atomically(&path, |w| {
        w.write_all(&[b'x'; 100_000])?;
        Err(std::io::Error::other("the disk is full"))
    });
    let message = failed.expect_err("the failure is reported").to_string();
    assert!(message.contains("the disk is full"), "{message}");
    let panicked = std::panic::catch_unwind(|| {
        write_atomically(&path, |w| {
            w.write_all(&[b'x'; 100_000])?;
            panic!("a bug midway");
        })
    });
    assert!(panicked.is_err());
    assert_eq!(fs::read(&path).expect("read"), b"old");
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn threads_saving_to_one_path_all_succeed_and_leave_a_whole_file() {
    const THREADS: usize = 4;
    const SIZE: usize = 1 << 20;
    let dir = scratch();
    let path = Arc::new(dir.path().join("shared.bin"));
    let start = Arc::new(Barrier::new(THREADS));
    let savers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (path, start) = (Arc::clone(&path), Arc::clone(&start));
            thread::Builder::new()
                .name(format!("saver-{t}"))
                .spawn(move || {
                    let bytes = vec![b'a' + t as u8; SIZE];
                    start.wait();
                    (0..5)
                        .map(|_| write_bytes(&path, &bytes).map_err(|e| e.to_string()))
                        .collect::<Result<Vec<()>, String>>()
                })
                .expect("spawn")
        })
        .collect();
    for saver in savers {
        saver
            .join()
            .expect("no panic")
            .expect("every save succeeds");
    }
    let whole = fs::read(&*path).expect("read");
    assert_eq!(whole.len(), SIZE);
    assert!(whole.iter().all(|&b| b == whole[0]), "a mix of two saves");
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn the_command_line_refuses_read_only_files_also_for_an_unprivileged_user() {
    let dir = scratch();
    let read_only = dir.path().join("read-only.txt");
    fs::write(&read_only, "old").expect("write");
    chmod(&read_only, 0o444);
    let out = sample(&read_only, 10, None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert_eq!(fs::read(&read_only).expect("read"), b"old");
    if !is_root() {
        eprintln!("skipped: running as another user needs root");
        return;
    }
    // A folder anyone may write to, so only the saver's own checks stand between `nobody`
    // and a rename over root's files.
    chmod(dir.path(), 0o777);
    let roots = dir.path().join("roots.txt");
    fs::write(&roots, "old").expect("write");
    chmod(&roots, 0o644);
    let own_read_only = dir.path().join("own-read-only.txt");
    let own_private = dir.path().join("own-private.txt");
    for path in [&own_read_only, &own_private] {
        fs::write(path, "old").expect("write");
        std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).expect("chown");
    }
    chmod(&own_read_only, 0o444);
    chmod(&own_private, 0o600);
    for (path, reason) in [
        (&read_only, "read-only"),
        (&own_read_only, "read-only"),
        (&roots, "may not write"),
    ] {
        let before = (fs::read(path).expect("read"), mode(path));
        let out = sample(path, 10, Some(NOBODY));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", path.display());
        assert!(stderr.contains(reason), "{stderr}");
        assert_eq!((fs::read(path).expect("read"), mode(path)), before);
    }
    let out = sample(&own_private, 10, Some(NOBODY));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&own_private), 0o600);
    assert_eq!(fs::metadata(&own_private).expect("metadata").uid(), NOBODY);
    assert_eq!(temps_in(dir.path()), Vec::<String>::new());
}

#[test]
fn saves_killed_at_random_points_leave_no_temporary_file() {
    kill_at_random_points(None, 30, 7);
}

#[test]
fn saves_killed_at_random_points_leave_no_temporary_file_as_an_unprivileged_user() {
    if !is_root() {
        eprintln!("skipped: running as another user needs root");
        return;
    }
    kill_at_random_points(Some(NOBODY), 30, 8);
}

/// Sweeps for a save of about 6.5 MB, long enough (a few tenths of a second) to be hit.
const BIG_SWEEPS: usize = 100_000;

/// Signals sent in turn: SIGKILL cannot be caught, the others are.
const SIGNALS: [(&str, i32); 3] = [("KILL", 9), ("INT", 2), ("TERM", 15)];

/// Runs `boltzviz sample` to a big file `runs` times, as `user`, and signals it after a random
/// delay: before the save, during it, or after. After SIGINT or SIGTERM no temporary file may
/// remain; after SIGKILL the next save to the path removes what it left. The target is always
/// the old file or the whole new one.
fn kill_at_random_points(user: Option<u32>, runs: usize, seed: u64) {
    let dir = scratch();
    if user.is_some() {
        chmod(dir.path(), 0o777);
    }
    let target = dir.path().join("samples.txt");
    let reference = dir.path().join("reference.txt");
    let started = Instant::now();
    let out = sample(&reference, BIG_SWEEPS, user);
    let full_run = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let whole = fs::read(&reference).expect("read");
    assert!(whole.len() > 5_000_000, "{} bytes", whole.len());
    let mut rng = SimRng::seed_from_u64(seed);
    let (mut killed_with_temp, mut caught_with_temp) = (0, 0);
    for run in 0..runs {
        fs::write(&target, "old").expect("write");
        if let Some(uid) = user {
            std::os::unix::fs::chown(&target, Some(uid), Some(uid)).expect("chown");
        }
        let (name, number) = SIGNALS[run % SIGNALS.len()];
        let delay = full_run.mul_f64(rng.uniform());
        let mut child = sample_command(&target, BIG_SWEEPS, user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        thread::sleep(delay);
        let temp_present = !temps_in(dir.path()).is_empty();
        // The process may have finished already; then there is nothing to signal.
        let _ = Command::new("kill")
            .args(["-s", name, &child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let status = child.wait().expect("wait");
        let contents = fs::read(&target).expect("read");
        assert!(
            contents == b"old" || contents == whole,
            "run {run} (SIG{name} after {delay:?}): the target is neither old nor whole \
             ({} bytes)",
            contents.len()
        );
        let left = temps_in(dir.path());
        if number == 9 {
            killed_with_temp += usize::from(!left.is_empty());
            // The next save to the path removes what the killed process abandoned.
            let out = sample(&target, 1, user);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(temps_in(dir.path()), Vec::<String>::new(), "run {run}");
        } else {
            caught_with_temp += usize::from(temp_present);
            assert_eq!(
                left,
                Vec::<String>::new(),
                "run {run}: SIG{name} after {delay:?}"
            );
            let expected_exit = status.success()
                || status.code() == Some(128 + number)
                || status.signal() == Some(number);
            assert!(expected_exit, "run {run}: SIG{name} gave {status:?}");
        }
    }
    eprintln!(
        "{runs} runs: {killed_with_temp} SIGKILLs left a temporary file, \
         {caught_with_temp} SIGINT/SIGTERMs arrived while one existed"
    );
    // Evidence that the signals landed during saves, not only before or after them.
    assert!(killed_with_temp > 0, "no SIGKILL hit a save in progress");
    assert!(
        caught_with_temp > 0,
        "no SIGINT or SIGTERM hit a save in progress"
    );
}

/// `boltzviz sample` writing `sweeps` lines to `out`, as `user` if given.
fn sample_command(out: &Path, sweeps: usize, user: Option<u32>) -> Command {
    let mut command = Command::new(bin());
    command
        .args(["sample", "--burn-in", "0", "--sweeps", &sweeps.to_string()])
        .arg("--model")
        .arg(model())
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null());
    if let Some(id) = user {
        command.uid(id).gid(id);
    }
    command
}

fn sample(out: &Path, sweeps: usize, user: Option<u32>) -> Output {
    sample_command(out, sweeps, user)
        .output()
        .expect("run boltzviz")
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
}

/// The id of a process that has ended and been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("spawn");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}
