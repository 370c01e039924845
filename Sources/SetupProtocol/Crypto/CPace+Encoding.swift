/// The string utilities of draft-irtf-cfrg-cpace-21, Appendix "CPace function definitions".
extension CPace {
    /// prepend_len: the LEB128 encoding of `data.count` followed by `data`.
    public static func prependLength(_ data: [UInt8]) -> [UInt8] {
        leb128(data.count) + data
    }

    /// Unsigned LEB128: 7 bits per byte, least significant first, bit 7 set while more follow.
    public static func leb128(_ value: Int) -> [UInt8] {
        precondition(value >= 0, "LEB128 encodes lengths, which are never negative")
        var remaining = UInt(value)
        var encoded: [UInt8] = []
        repeat {
            let low = UInt8(remaining & 0x7F)
            remaining >>= 7
            encoded.append(remaining == 0 ? low : low | 0x80)
        } while remaining != 0
        return encoded
    }

    /// lv_cat: the concatenation of `prependLength` of each part.
    public static func lvCat(_ parts: [UInt8]...) -> [UInt8] {
        lvCat(parts)
    }

    /// lv_cat over an array of parts.
    public static func lvCat(_ parts: [[UInt8]]) -> [UInt8] {
        parts.reduce(into: []) { $0 += prependLength($1) }
    }

    /// The draft's lexiographically_larger: byte-wise comparison, a longer string wins a tie
    /// on the common prefix. Used on public transcripts only, so it may exit early.
    public static func isLexicographicallyLarger(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right {
            return left > right
        }
        return lhs.count > rhs.count
    }

    /// o_cat: b"oc" followed by the larger string, then the other.
    public static func oCat(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        let tag: [UInt8] = Array("oc".utf8)
        return isLexicographicallyLarger(first, second) ? tag + first + second : tag + second + first
    }

    /// transcript_ir: lv_cat(Ya, ADa) || lv_cat(Yb, ADb), for the initiator-responder setting.
    public static func transcriptIR(
        initiatorShare: [UInt8], initiatorData: [UInt8], responderShare: [UInt8], responderData: [UInt8]
    ) -> [UInt8] {
        lvCat(initiatorShare, initiatorData) + lvCat(responderShare, responderData)
    }

    /// transcript_oc: o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)), for parallel runs without roles.
    public static func transcriptOC(
        shareA: [UInt8], dataA: [UInt8], shareB: [UInt8], dataB: [UInt8]
    ) -> [UInt8] {
        oCat(lvCat(shareA, dataA), lvCat(shareB, dataB))
    }

    /// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zero_bytes(len_zpad),
    /// CI, sid) with len_zpad = max(0, s_in_bytes - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI))).
    /// The PRS is secret: the padding length depends on its length only.
    public static func generatorString(
        dsi: [UInt8], prs: [UInt8], channelIdentifier: [UInt8], sessionID: [UInt8], hashBlockSize: Int
    ) -> [UInt8] {
        let paddingLength = max(0, hashBlockSize - 1 - prependLength(prs).count - prependLength(dsi).count)
        return lvCat(dsi, prs, [UInt8](repeating: 0, count: paddingLength), channelIdentifier, sessionID)
    }
}
