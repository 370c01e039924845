-- smartsetup.lua: a Wireshark/tshark dissector for the smartsetup Wi-Fi handoff (Protocol/SPEC.md).
--
-- Install: copy into Wireshark's personal Lua plugins folder (Help > About > Folders), or run
--   tshark -X lua_script:Tools/wireshark/smartsetup.lua -r trace.btsnoop
-- It registers on our characteristic UUIDs (bluetooth.uuid table; needs the GATT discovery in the
-- capture) and, when the capture has none, on the value handles given in the preferences
-- smartsetup.request_handle / events_handle / info_handle. ATT on EATT channels (bluetoothd's
-- default Channels = 3), which Wireshark 4.0 does not hand to its ATT dissector, is read here
-- with the value handles of the discovery on CID 4. It shows each fragment's header
-- (SPEC §6), reassembles messages per controller, connection and direction, decodes plain records
-- (ClientHello, ServerHello, ClientFinish, Error), the Info value and the advertisement's
-- manufacturer data, and shows sealed records with their counter.
--
-- With the preference smartsetup.keylog naming a session key log (SPEC §18), sealed messages are
-- also deciphered for display (ChaCha20 only: the Poly1305 tag is NOT checked here). For an
-- authenticated decryption use `smartsetup decode --keylog`, which runs the project's own code.
-- Passphrases are never shown by this dissector, only their length.

local SERVICE_UUID = "6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725"
local INFO_UUID = "6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725"
local REQUEST_UUID = "6fa9a0e6-3710-4ad4-b6d7-2f426d4f9725"
local EVENTS_UUID = "6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725"

local bits = bit32 or bit
local band, bxor, lrot = bits.band, bits.bxor, bits.lrotate or bits.rol

local proto = Proto("smartsetup", "smartsetup Wi-Fi handoff")

local record_names = {
    [0x01] = "ClientHello", [0x02] = "ServerHello", [0x03] = "ClientFinish", [0x0f] = "Error", [0x10] = "Sealed",
}
local message_names = {
    [0x0f] = "Error", [0x20] = "DeviceInfoRequest", [0x21] = "DeviceInfo", [0x22] = "ScanRequest",
    [0x23] = "ScanResults", [0x24] = "SetCredentials", [0x25] = "JoinStatus", [0x26] = "Identify",
    [0x27] = "ResetNetwork", [0x28] = "Acknowledge",
}
local error_codes = {
    [0x01] = "malformedMessage", [0x02] = "unsupportedVersion", [0x03] = "authenticationFailed",
    [0x04] = "pinExpired", [0x05] = "lockedOut", [0x06] = "busy", [0x07] = "unexpectedMessage",
    [0x08] = "framingError", [0x09] = "invalidField", [0x0a] = "decryptionFailed", [0x0b] = "timedOut",
    [0x0c] = "internalError", [0x0d] = "buttonNotPressed", [0x0e] = "unsupported", [0x0f] = "noActivePIN",
}
local join_stages = {
    [1] = "received", [2] = "associating", [3] = "authenticating", [4] = "obtaining address",
    [5] = "connected", [6] = "failed",
}
local join_reasons = {
    [1] = "wrong passphrase", [2] = "network not found", [3] = "no address", [4] = "timed out",
    [5] = "unsupported security", [6] = "internal error",
}
local auth_methods = { [0] = "PIN on display", [1] = "PIN on printed page", [2] = "button", [3] = "reserved" }
local device_classes = { [0] = "unspecified", [1] = "printer", [2] = "multi-function printer",
    [3] = "label/receipt printer", [4] = "scanner" }

-- Field names of each record or message, by field number (SPEC §7-§8).
local field_names = {
    ClientHello = { "versions", "session id", "client id", "share" },
    ServerHello = { "chosen version", "supported versions", "printer nonce", "share", "confirmation" },
    ClientFinish = { "confirmation", "sealed message" },
    Error = { "code", "attempts left", "retry after" },
    Info = { "versions", "short id", "auth method", "device class", "model" },
    DeviceInfo = { "model", "serial", "firmware", "MAC" },
    ScanResults = { "network" },
    SetCredentials = { "SSID", "security", "passphrase", "hidden", "static IPv4", "hostname", "disable WPS" },
    JoinStatus = { "stage", "reason", "address" },
    Identify = { "action" },
    Acknowledge = { "request type" },
}

local f = proto.fields
f.direction = ProtoField.string("smartsetup.direction", "Direction")
f.first = ProtoField.bool("smartsetup.fragment.first", "FIRST", 8, nil, 0x80)
f.last = ProtoField.bool("smartsetup.fragment.last", "LAST", 8, nil, 0x40)
f.seq = ProtoField.uint8("smartsetup.fragment.seq", "SEQ", base.DEC, nil, 0x3f)
f.length = ProtoField.uint16("smartsetup.fragment.length", "Message length", base.DEC)
f.payload = ProtoField.bytes("smartsetup.fragment.payload", "Fragment payload")
f.reassembled = ProtoField.uint16("smartsetup.reassembled", "Reassembled message octets", base.DEC)
f.fragments = ProtoField.uint16("smartsetup.fragments", "Fragments", base.DEC)
f.record = ProtoField.uint8("smartsetup.record", "Record type", base.HEX, record_names)
f.message = ProtoField.string("smartsetup.message", "Message")
f.field = ProtoField.bytes("smartsetup.field", "Field")
f.field_number = ProtoField.uint8("smartsetup.field.number", "Field number", base.DEC, nil, 0x7f)
f.field_critical = ProtoField.bool("smartsetup.field.critical", "Critical", 8, nil, 0x80)
f.error_code = ProtoField.uint8("smartsetup.error.code", "Error code", base.HEX, error_codes)
f.counter = ProtoField.uint32("smartsetup.sealed.counter", "Sealed counter", base.DEC)
f.sealed_length = ProtoField.uint16("smartsetup.sealed.length", "Sealed octets (ciphertext and tag)", base.DEC)
f.stage = ProtoField.uint8("smartsetup.join.stage", "Join stage", base.DEC, join_stages)
f.adv_version = ProtoField.uint8("smartsetup.adv.version", "Version", base.DEC)
f.adv_auth = ProtoField.uint8("smartsetup.adv.auth", "Auth method", base.DEC, auth_methods, 0x03)
f.adv_provisioned = ProtoField.bool("smartsetup.adv.provisioned", "Provisioned", 8, nil, 0x04)
f.adv_busy = ProtoField.bool("smartsetup.adv.busy", "Busy", 8, nil, 0x08)
f.adv_short_id = ProtoField.uint16("smartsetup.adv.short_id", "Short id", base.HEX)
f.adv_class = ProtoField.uint8("smartsetup.adv.class", "Device class", base.DEC, device_classes)

proto.prefs.request_handle = Pref.uint("Request value handle", 0, "Fallback when the capture has no GATT discovery (0: off)")
proto.prefs.events_handle = Pref.uint("Events value handle", 0, "Fallback when the capture has no GATT discovery (0: off)")
proto.prefs.info_handle = Pref.uint("Info value handle", 0, "Fallback when the capture has no GATT discovery (0: off)")
proto.prefs.keylog = Pref.string("Session key log", "", "SMARTSETUP_KEYLOGFILE output (SPEC §18); deciphers sealed messages for display")

local function try_field(name)
    local ok, field = pcall(Field.new, name)
    if ok then return field end
    return nil
end
local f_adapter = try_field("hci_mon.adapter_id")
local f_chandle = try_field("bthci_acl.chandle")
local f_att_handle = try_field("btatt.handle")
local f_att_opcode = try_field("btatt.opcode")
local f_att_value = try_field("btatt.value")
local f_btatt = try_field("btatt")
local f_l2cap_cid = try_field("btl2cap.cid")
local f_l2cap_payload = try_field("btl2cap.payload")

-- State of the first pass, kept across packets; results by frame number for later passes.
local reassembly, sessions, results, handled, keylog = {}, {}, {}, {}, nil
-- Value handles of our characteristics per connection, learnt from the discovery on CID 4, for
-- EATT channels, which Wireshark 4.0 does not hand to its ATT dissector.
local discovered = {}

function proto.init()
    reassembly, sessions, results, handled, keylog, discovered = {}, {}, {}, {}, nil, {}
end

local function connection_key(pinfo)
    local adapter = f_adapter and f_adapter() or nil
    local chandle = f_chandle and f_chandle() or nil
    return tostring(adapter and adapter.value or "?") .. ":" .. tostring(chandle and chandle.value or "?")
end

local function hex_to_bytes(hex)
    local out = {}
    for i = 1, #hex, 2 do out[#out + 1] = tonumber(hex:sub(i, i + 1), 16) end
    return out
end

local function load_keylog()
    if keylog then return keylog end
    keylog = {}
    local path = proto.prefs.keylog
    if path == nil or path == "" then return keylog end
    local file = io.open(path, "r")
    if not file then return keylog end
    for line in file:lines() do
        local sid, ck, civ, pk, piv = line:match("^SMARTSETUP_SESSION_KEYS (%x+) (%x+) (%x+) (%x+) (%x+)%s*$")
        if sid and #sid == 32 and #ck == 64 and #civ == 24 and #pk == 64 and #piv == 24 then
            keylog[sid:lower()] = { c2p_key = hex_to_bytes(ck), c2p_iv = hex_to_bytes(civ),
                p2c_key = hex_to_bytes(pk), p2c_iv = hex_to_bytes(piv) }
        end
    end
    file:close()
    return keylog
end

-- ChaCha20 (RFC 8439) keystream, for display only.
local function words_le(bytes, first, count)
    local words = {}
    for i = 0, count - 1 do
        local at = first + 4 * i
        words[i + 1] = bytes[at] + bytes[at + 1] * 256 + bytes[at + 2] * 65536 + bytes[at + 3] * 16777216
    end
    return words
end

local function quarter(s, a, b, c, d)
    s[a] = band(s[a] + s[b], 0xffffffff); s[d] = lrot(bxor(s[d], s[a]), 16)
    s[c] = band(s[c] + s[d], 0xffffffff); s[b] = lrot(bxor(s[b], s[c]), 12)
    s[a] = band(s[a] + s[b], 0xffffffff); s[d] = lrot(bxor(s[d], s[a]), 8)
    s[c] = band(s[c] + s[d], 0xffffffff); s[b] = lrot(bxor(s[b], s[c]), 7)
end

local function chacha20_block(key_words, counter, nonce_words)
    local init = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }
    for i = 1, 8 do init[4 + i] = key_words[i] end
    init[13] = counter
    for i = 1, 3 do init[13 + i] = nonce_words[i] end
    local s = {}
    for i = 1, 16 do s[i] = init[i] end
    for _ = 1, 10 do
        quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15); quarter(s, 4, 8, 12, 16)
        quarter(s, 1, 6, 11, 16); quarter(s, 2, 7, 12, 13); quarter(s, 3, 8, 9, 14); quarter(s, 4, 5, 10, 15)
    end
    local out = {}
    for i = 1, 16 do
        local w = band(s[i] + init[i], 0xffffffff)
        for j = 0, 3 do out[#out + 1] = band(math.floor(w / 2 ^ (8 * j)), 0xff) end
    end
    return out
end

-- Deciphers ciphertext (without its 16-octet tag) sealed with key, iv and the message counter.
local function decipher(cipher, key, iv, counter)
    local nonce = {}
    for i = 1, 12 do nonce[i] = iv[i] end
    for i = 0, 3 do
        nonce[12 - i] = bxor(nonce[12 - i], band(math.floor(counter / 2 ^ (8 * i)), 0xff))
    end
    local key_words, nonce_words = words_le(key, 1, 8), words_le(nonce, 1, 3)
    local plain, block = {}, nil
    for i = 1, #cipher do
        local index = (i - 1) % 64
        if index == 0 then block = chacha20_block(key_words, 1 + math.floor((i - 1) / 64), nonce_words) end
        plain[i] = bxor(cipher[i], block[index + 1])
    end
    return plain
end

local function to_hex(bytes)
    local parts = {}
    for i = 1, #bytes do parts[i] = string.format("%02x", bytes[i]) end
    return table.concat(parts)
end

local function tvb_bytes(tvb, offset, length)
    local out = {}
    for i = 0, length - 1 do out[i + 1] = tvb(offset + i, 1):uint() end
    return out
end

-- TLV fields (SPEC §7.1) from offset to the end of tvb; calls on_field(number, range) for each.
local function add_tlv(tvb, offset, tree, names, on_field)
    while offset + 3 <= tvb:len() do
        local number = tvb(offset, 1):uint() % 128
        local length = tvb(offset + 1, 2):uint()
        if offset + 3 + length > tvb:len() then
            tree:add_expert_info(PI_MALFORMED, PI_ERROR, "truncated TLV field")
            return
        end
        local name = (names and names[number]) or ("field " .. number)
        local item = tree:add(f.field, tvb(offset, 3 + length))
        item:set_text(name .. " (" .. length .. " octets)")
        item:add(f.field_critical, tvb(offset, 1))
        item:add(f.field_number, tvb(offset, 1))
        if on_field then on_field(number, tvb(offset + 3, length), item, name) end
        offset = offset + 3 + length
    end
end

local function describe_message(tvb, pinfo, tree, name)
    local summary = name
    add_tlv(tvb, 1, tree, field_names[name], function(number, range, item, field_name)
        if name == "Error" and number == 1 then
            item:add(f.error_code, range)
            summary = summary .. " " .. (error_codes[range:uint()] or "unknown code")
        elseif name == "Error" and number == 2 then
            summary = summary .. ", attempts left " .. range:uint()
        elseif name == "JoinStatus" and number == 1 then
            item:add(f.stage, range)
            summary = summary .. " " .. (join_stages[range:uint()] or "?")
        elseif name == "JoinStatus" and number == 2 then
            summary = summary .. " (" .. (join_reasons[range:uint()] or "?") .. ")"
        elseif name == "SetCredentials" and number == 3 then
            item:set_text("passphrase: <" .. range:len() .. " octets>")
        elseif name == "SetCredentials" and number == 1 then
            item:append_text(": " .. range:string())
            summary = summary .. " SSID " .. range:string()
        elseif (name == "Info" or name == "DeviceInfo") and (field_name == "model") then
            item:append_text(": " .. range:string())
        elseif range:len() <= 32 and range:len() > 0 then
            item:append_text(": " .. tostring(range:bytes()))
        end
    end)
    return summary
end

-- A reassembled record (SPEC §7.2), as the first pass left it in results.
local function dissect_record(result, pinfo, tree, direction)
    local tvb = ByteArray.new(result.hex):tvb("smartsetup message")
    local record_tree = tree:add(proto, tvb(), "smartsetup message")
    record_tree:add(f.reassembled, tvb():len()):set_generated()
    record_tree:add(f.fragments, result.fragments):set_generated()
    record_tree:add(f.record, tvb(0, 1))
    local kind = tvb(0, 1):uint()
    local name = record_names[kind] or "unknown record"
    local summary = name
    if kind == 0x10 then
        record_tree:add(f.counter, result.counter):set_generated()
        record_tree:add(f.sealed_length, tvb():len() - 1):set_generated()
        summary = "Sealed #" .. result.counter
    elseif kind == 0x01 or kind == 0x02 or kind == 0x0f then
        summary = describe_message(tvb, pinfo, record_tree, name)
    elseif kind == 0x03 then
        describe_message(tvb, pinfo, record_tree, name)
        if result.plain then summary = "ClientFinish" end
    end
    record_tree:add(f.message, name):set_generated()
    if result.plain then
        local plain = ByteArray.new(result.plain):tvb("smartsetup deciphered")
        local message_name = message_names[plain(0, 1):uint()] or "unknown message"
        local message_tree = record_tree:add(proto, plain(), "Deciphered " .. message_name
            .. " (counter " .. result.counter .. "; ChaCha20 only, tag not checked)")
        message_tree:add(f.message, message_name):set_generated()
        local text = describe_message(plain, pinfo, message_tree, message_name)
        if kind == 0x03 then summary = summary .. ", " .. text else summary = text end
        summary = summary .. " [sealed #" .. result.counter .. "]"
    end
    pinfo.cols.info:append(" " .. summary)
end

-- First pass: reassembly, counters and deciphering; the result is kept by frame number.
local function first_pass(tvb, pinfo, direction)
    local conn = connection_key(pinfo)
    local key = conn .. ":" .. direction
    local header = tvb(0, 1):uint()
    local first, last, seq = header >= 0x80, (header % 0x80) >= 0x40, header % 0x40
    local state = reassembly[key]
    if first then
        if tvb:len() < 3 then return end
        state = { expected = tvb(1, 2):uint(), hex = tostring(tvb(3):bytes()), next = 1, fragments = 1 }
        reassembly[key] = state
    else
        if not state or seq ~= state.next % 64 then
            reassembly[key] = nil
            return
        end
        state.hex = state.hex .. tostring(tvb(1):bytes())
        state.next = state.next + 1
        state.fragments = state.fragments + 1
    end
    if #state.hex / 2 < state.expected then
        if last then reassembly[key] = nil end
        return
    end
    reassembly[key] = nil
    if #state.hex / 2 ~= state.expected or not last then return end
    local result = { hex = state.hex, fragments = state.fragments }
    local bytes = hex_to_bytes(state.hex)
    local session = sessions[conn] or { c2p = 0, p2c = 0 }
    sessions[conn] = session
    local kind = bytes[1]
    local sealed = nil
    if kind == 0x01 then
        -- ClientHello: field 2 is the session id; the counters start again.
        session.c2p, session.p2c, session.keys = 0, 0, nil
        local at = 2
        while at + 2 <= #bytes do
            local number, length = bytes[at] % 128, bytes[at + 1] * 256 + bytes[at + 2]
            if number == 2 and length == 16 then
                local sid = {}
                for i = 1, 16 do sid[i] = bytes[at + 2 + i] end
                session.keys = load_keylog()[to_hex(sid)]
            end
            at = at + 3 + length
        end
    elseif kind == 0x03 then
        local at = 2
        while at + 2 <= #bytes do
            local number, length = bytes[at] % 128, bytes[at + 1] * 256 + bytes[at + 2]
            if number == 2 then
                sealed = {}
                for i = 1, length do sealed[i] = bytes[at + 2 + i] end
            end
            at = at + 3 + length
        end
    elseif kind == 0x10 then
        sealed = {}
        for i = 2, #bytes do sealed[#sealed + 1] = bytes[i] end
    end
    if sealed then
        local counter
        if direction == "c2p" then counter = session.c2p; session.c2p = counter + 1
        else counter = session.p2c; session.p2c = counter + 1 end
        result.counter = counter
        if session.keys and #sealed > 16 then
            local cipher = {}
            for i = 1, #sealed - 16 do cipher[i] = sealed[i] end
            local key = direction == "c2p" and session.keys.c2p_key or session.keys.p2c_key
            local iv = direction == "c2p" and session.keys.c2p_iv or session.keys.p2c_iv
            result.plain = to_hex(decipher(cipher, key, iv, counter))
        end
    end
    results[pinfo.number .. ":" .. direction] = result
end

local function dissect_fragment(tvb, pinfo, tree, direction)
    handled[pinfo.number] = true
    if tvb:len() < 1 then return 0 end
    pinfo.cols.protocol:set("smartsetup")
    pinfo.cols.info:set(direction == "c2p" and "central → printer" or "printer → central")
    local subtree = tree:add(proto, tvb(), "smartsetup fragment")
    subtree:add(f.direction, direction == "c2p" and "central → printer (Request)" or "printer → central (Events)")
    subtree:add(f.first, tvb(0, 1))
    subtree:add(f.last, tvb(0, 1))
    subtree:add(f.seq, tvb(0, 1))
    local header = tvb(0, 1):uint()
    if header >= 0x80 and tvb:len() >= 3 then
        subtree:add(f.length, tvb(1, 2))
        if tvb:len() > 3 then subtree:add(f.payload, tvb(3)) end
    elseif tvb:len() > 1 then
        subtree:add(f.payload, tvb(1))
    end
    if not pinfo.visited then first_pass(tvb, pinfo, direction) end
    local result = results[pinfo.number .. ":" .. direction]
    if result then
        dissect_record(result, pinfo, tree, direction)
    else
        pinfo.cols.info:append(" fragment " .. (header % 0x40))
    end
    return tvb:len()
end

local function dissect_info(tvb, pinfo, tree)
    handled[pinfo.number] = true
    if tvb:len() < 1 or tvb(0, 1):uint() ~= 0x30 then return 0 end
    pinfo.cols.protocol:set("smartsetup")
    local subtree = tree:add(proto, tvb(), "smartsetup Info")
    subtree:add(f.message, "Info"):set_generated()
    describe_message(tvb, pinfo, subtree, "Info")
    pinfo.cols.info:set("smartsetup Info")
    return tvb:len()
end

local request = Proto("smartsetup_request", "smartsetup Request")
function request.dissector(tvb, pinfo, tree) return dissect_fragment(tvb, pinfo, tree, "c2p") end
local events = Proto("smartsetup_events", "smartsetup Events")
function events.dissector(tvb, pinfo, tree) return dissect_fragment(tvb, pinfo, tree, "p2c") end
local info = Proto("smartsetup_info", "smartsetup Info")
function info.dissector(tvb, pinfo, tree) return dissect_info(tvb, pinfo, tree) end

local uuid_table = DissectorTable.get("bluetooth.uuid")
if uuid_table then
    uuid_table:add(REQUEST_UUID, request)
    uuid_table:add(EVENTS_UUID, events)
    uuid_table:add(INFO_UUID, info)
end

-- The advertisement's manufacturer data (SPEC §4.3) under company id 0xFFFF.
local adv = Proto("smartsetup_adv", "smartsetup advertisement")
function adv.dissector(tvb, pinfo, tree)
    local offset = 0
    if tvb:len() == 7 and tvb(0, 2):le_uint() == 0xffff then offset = 2 end
    if tvb:len() - offset < 5 then return 0 end
    local subtree = tree:add(proto, tvb(offset), "smartsetup advertisement")
    subtree:add(f.adv_version, tvb(offset, 1))
    subtree:add(f.adv_auth, tvb(offset + 1, 1))
    subtree:add(f.adv_provisioned, tvb(offset + 1, 1))
    subtree:add(f.adv_busy, tvb(offset + 1, 1))
    subtree:add(f.adv_short_id, tvb(offset + 2, 2))
    subtree:add(f.adv_class, tvb(offset + 4, 1))
    pinfo.cols.info:append(string.format(" [smartsetup printer %04X]", tvb(offset + 2, 2):uint()))
    return tvb:len()
end
local ok_company, company_table = pcall(DissectorTable.get, "btcommon.eir_ad.manufacturer_company_id")
if ok_company and company_table then company_table:add(0xffff, adv) end

-- Our value handles from a Read By Type Response listing characteristic declarations, read from
-- the ATT PDU's own octets: (declaration handle, properties, value handle, 128-bit UUID) each.
local UUID_LE = { ["25974f6d422fd7b6d44a1037e5a0a96f"] = "info", ["25974f6d422fd7b6d44a1037e6a0a96f"] = "request",
    ["25974f6d422fd7b6d44a1037e7a0a96f"] = "events" }
local function learn_handles(pinfo)
    if not f_btatt then return end
    local att = f_btatt()
    if not att then return end
    local pdu = att.range:tvb()
    if pdu:len() < 2 or pdu(0, 1):uint() ~= 0x09 or pdu(1, 1):uint() ~= 21 then return end
    local at = 2
    while at + 21 <= pdu:len() do
        local role = UUID_LE[tostring(pdu(at + 5, 16):bytes()):lower()]
        if role then
            local conn = connection_key(pinfo)
            discovered[conn] = discovered[conn] or {}
            discovered[conn][role] = pdu(at + 3, 2):le_uint()
        end
        at = at + 21
    end
end

-- An EATT K-frame (SDU length, then an ATT PDU) on a dynamic channel.
local function dissect_eatt(pinfo, tree)
    if not f_l2cap_cid or not f_l2cap_payload then return end
    local cid, payload = f_l2cap_cid(), f_l2cap_payload()
    if not cid or not payload or cid.value < 0x40 then return end
    local handles = discovered[connection_key(pinfo)]
    if not handles then return end
    local whole = payload.range:tvb()
    -- Wireshark strips the SDU length on the channel direction it knows (an "LE Information
    -- frame"); on the other one the payload still starts with it.
    local tvb = whole
    if whole:len() >= 5 and whole(0, 2):le_uint() == whole:len() - 2 then tvb = whole(2):tvb() end
    if tvb:len() < 3 then return end
    local opcode = tvb(0, 1):uint()
    if opcode == 0x12 or opcode == 0x52 then
        if tvb(1, 2):le_uint() == handles.request and tvb:len() > 3 then dissect_fragment(tvb(3):tvb(), pinfo, tree, "c2p") end
    elseif opcode == 0x1b then
        if tvb(1, 2):le_uint() == handles.events and tvb:len() > 3 then dissect_fragment(tvb(3):tvb(), pinfo, tree, "p2c") end
    elseif opcode == 0x23 then
        local at = 1
        while at + 4 <= tvb:len() do
            local handle, length = tvb(at, 2):le_uint(), tvb(at + 2, 2):le_uint()
            if at + 4 + length > tvb:len() then break end
            if handle == handles.events and length > 0 then dissect_fragment(tvb(at + 4, length):tvb(), pinfo, tree, "p2c") end
            at = at + 4 + length
        end
    end
end

-- Fallback: value handles from the preferences, for captures without a GATT discovery; and EATT.
local fallback = Proto("smartsetup_handles", "smartsetup (by handle)")
function fallback.dissector(tvb, pinfo, tree)
    if not pinfo.visited and f_att_opcode then
        local opcode = f_att_opcode()
        if opcode and opcode.value == 0x09 then learn_handles(pinfo) end
    end
    if not handled[pinfo.number] then dissect_eatt(pinfo, tree) end
    if handled[pinfo.number] or not f_att_handle or not f_att_opcode or not f_att_value then return end
    local handle, opcode, value = f_att_handle(), f_att_opcode(), f_att_value()
    if not handle or not opcode or not value then return end
    local h, op = handle.value, opcode.value
    local bytes = value.range:tvb()
    if (op == 0x12 or op == 0x52) and h == proto.prefs.request_handle and h ~= 0 then
        dissect_fragment(bytes, pinfo, tree, "c2p")
    elseif op == 0x1b and h == proto.prefs.events_handle and h ~= 0 then
        dissect_fragment(bytes, pinfo, tree, "p2c")
    elseif op == 0x0b and h == proto.prefs.info_handle and h ~= 0 then
        dissect_info(bytes, pinfo, tree)
    end
end
register_postdissector(fallback, true)
