"""The pack store of rendered posts: entries survive a reload, packs are rewritten only when
they change, stale entries are forgotten once they pile up, a damaged pack is a miss."""

import hashlib
import os

from site_builder.cache import FORMAT, BucketStore


def keys(count: int) -> list[str]:
    return [hashlib.sha256(str(n).encode()).hexdigest() for n in range(count)]


def test_entries_survive_a_reload_in_a_few_packs(tmp_path):
    store = BucketStore(str(tmp_path), "rendered")
    names = keys(600)
    for key in names:
        store.write(key, key.encode())
    store.flush()
    files = os.listdir(tmp_path / f"rendered-v{FORMAT}")
    assert sorted(files) == sorted({f"{key[:2]}.pack" for key in names})  # one pack per leading byte
    again = BucketStore(str(tmp_path), "rendered")
    assert all(again.read(key) == key.encode() for key in names)
    assert again.read("ff" + "1" * 62) is None


def test_an_edit_rewrites_only_its_pack(tmp_path):
    store = BucketStore(str(tmp_path), "rendered")
    for key in keys(300):
        store.write(key, b"x")
    store.flush()
    folder = tmp_path / f"rendered-v{FORMAT}"
    before = {name: os.stat(folder / name).st_ino for name in os.listdir(folder)}
    edited = BucketStore(str(tmp_path), "rendered")
    edited.write("ab" + "2" * 62, b"new")
    edited.flush()
    after = {name: os.stat(folder / name).st_ino for name in os.listdir(folder)}
    assert [name for name in after if after[name] != before.get(name)] == ["ab.pack"]
    assert BucketStore(str(tmp_path), "rendered").read("ab" + "2" * 62) == b"new"


def test_stale_entries_go_once_they_outnumber_the_kept_ones(tmp_path):
    store = BucketStore(str(tmp_path), "rendered")
    names = keys(50)
    for key in names:
        store.write(key, b"x")
    store.flush()
    kept = set(names[:10])
    few = BucketStore(str(tmp_path), "rendered")
    few.prune(kept, slack=100)  # 40 stale ≤ 10 kept + 100: all stay (another branch may come back)
    few.flush()
    assert all(BucketStore(str(tmp_path), "rendered").read(k) for k in names)
    many = BucketStore(str(tmp_path), "rendered")
    many.prune(kept, slack=5)
    many.flush()
    reloaded = BucketStore(str(tmp_path), "rendered")
    assert [k for k in names if reloaded.read(k)] == names[:10]


def test_a_damaged_pack_is_a_miss_and_no_folder_means_no_cache(tmp_path):
    store = BucketStore(str(tmp_path), "rendered")
    store.write("cd" + "3" * 62, b"x")
    store.flush()
    (tmp_path / f"rendered-v{FORMAT}" / "cd.pack").write_bytes(b"not a pack")
    assert BucketStore(str(tmp_path), "rendered").read("cd" + "3" * 62) is None
    off = BucketStore(None, "rendered")
    off.write("cd" + "3" * 62, b"x")
    off.flush()
    assert off.read("cd" + "3" * 62) is None and not off.enabled


def test_pruning_the_loaded_packs_only_reads_no_other_pack(tmp_path):
    store = BucketStore(str(tmp_path), "rendered", digits=1)
    names = keys(200)
    for key in names:
        store.write(key, b"x")
    store.flush()
    partial = BucketStore(str(tmp_path), "rendered", digits=1)
    loaded = [k for k in names if k[0] == names[0][0]]
    assert partial.read(loaded[0]) == b"x"  # reads one pack
    partial.prune({loaded[0]}, slack=0, loaded_only=True)
    partial.flush()
    assert list(partial.packs) == [names[0][0]]
    reloaded = BucketStore(str(tmp_path), "rendered", digits=1)
    assert [k for k in names if reloaded.read(k)] == [k for k in names if k[0] != names[0][0] or k == loaded[0]]


def test_an_entry_is_copied_into_new_folders_never_linked(tmp_path, monkeypatch):
    import errno

    from site_builder.cache import EntryStore

    store = EntryStore(str(tmp_path / "cache"), "pages", ".html")
    store.write("ab" + "1" * 62, b"<p>page</p>")
    target = tmp_path / "site" / "tax" / "np" / "index.html"
    assert store.copy_to("ab" + "1" * 62, str(target))  # folders made on the way
    assert target.read_bytes() == b"<p>page</p>" and os.stat(target).st_nlink == 1  # no inode shared
    assert store.copy_to("ab" + "1" * 62, str(target))  # an existing file is replaced
    assert not store.copy_to("cd" + "2" * 62, str(tmp_path / "site" / "x" / "index.html"))  # no such entry
    assert not (tmp_path / "site" / "x").exists()

    def no_links(source, target):
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    other = tmp_path / "site" / "fda" / "index.html"
    assert store.copy_to("ab" + "1" * 62, str(other))
    assert other.read_bytes() == b"<p>page</p>" and os.stat(other).st_nlink == 1
