def test_probe(emu):
    print("REJECTED", [ (c["method"], c.get("chat_id"), c["error"]["description"]) for c in emu.rejected])
    print("METHODS", sorted({c["method"] for c in emu.calls}))
