import CryptoExtras
import FoundationEssentials
import NIOCore
import OpenDProtocol
import ShortInterest
import ShortInterestGateway
import Testing

/// A fresh RSA key of `bits` in PEM form, as OpenD's operators make with openssl.
private func rsaKey(bits: Int = 1024) throws -> OpenDRSAKey {
    let key = try _RSA.Encryption.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: bits))
    return try OpenDRSAKey(pem: key.pemRepresentation)
}

private let tencent: [SecurityCode: InMemorySource.History] = [
    try! SecurityCode("HK.00700"): InMemorySource.History(hkRows: (0..<30).map { index in
        HKShortInterestRow(timestamp: 1_777_478_400 - Int64(index) * 604_800, timestampString: "w\(index)",
                           closePrice: index % 4 == 0 ? nil : 467.8, aggregatedShort: 51_480_638 + UInt64(index))
    }),
]

private func gateway(rsaKey: OpenDRSAKey?) async throws -> GatewayServer {
    try await GatewayServer.start(source: InMemorySource(histories: tencent),
                                  configuration: .init(port: 0, rsaKey: rsaKey))
}

private func client(_ gateway: GatewayServer, _ encryption: OpenDEncryption?) throws -> OpenDClient {
    try OpenDClient(configuration: OpenDConfiguration(port: gateway.port, replyTimeout: .seconds(5), rateLimit: nil,
                                                      encryption: encryption))
}

@Suite struct BodyCipherTests {
    /// A nil IV selects Futu's ECB variant.
    @Test(arguments: [nil, "fedcba9876543210"])
    func everyLengthRoundTrips(cbcIV: String?) throws {
        let cipher = try OpenDBodyCipher(connAESKey: "0123456789abcdef", cbcIV: cbcIV)
        for length in 0...70 {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let ciphertext = try cipher.encrypt(plaintext)
            #expect(ciphertext.count % 16 == 0 && ciphertext != plaintext)
            #expect(try cipher.decrypt(ciphertext) == plaintext, "length \(length)")
        }
    }

    @Test func futusECBVariantAppendsALengthBlock() throws {
        let cipher = try OpenDBodyCipher(connAESKey: "0123456789abcdef", cbcIV: nil)
        let ciphertext = try cipher.encrypt(Array("seventeen bytes!!".utf8))
        #expect(ciphertext.count == 48)
        #expect(ciphertext.suffix(16) == [UInt8](repeating: 0, count: 15) + [17 % 16])
    }

    @Test func truncatedOrTamperedCiphertextIsRefused() throws {
        let cbc = try OpenDBodyCipher(connAESKey: "0123456789abcdef", cbcIV: "fedcba9876543210")
        let ecb = try OpenDBodyCipher(connAESKey: "0123456789abcdef", cbcIV: nil)
        let body = Array("a body of some length".utf8)
        for cipher in [cbc, ecb] {
            let ciphertext = try cipher.encrypt(body)
            #expect(throws: (any Error).self) { try cipher.decrypt(Array(ciphertext.dropLast(5))) }
            #expect(throws: (any Error).self) { try cipher.decrypt([]) }
        }
        var badTail = try ecb.encrypt(body)
        badTail[badTail.count - 1] = 200
        #expect(throws: (any Error).self) { try ecb.decrypt(badTail) }
        #expect(throws: (any Error).self) { try OpenDBodyCipher(connAESKey: "short", cbcIV: nil) }
    }

    @Test func aKeyThatIsNotRSAIsRefused() {
        #expect(throws: OpenDFrameError.self) { try OpenDRSAKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }

    /// Found by fuzzing the C ABI (fuzz/regressions/cabi/empty-rsa-key-file):
    /// reading an empty file leaked 4 KiB in Foundation on every call.
    @Test func anEmptyKeyFileIsRefusedUnread() throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "empty-\(UInt64.random(in: 0...UInt64.max)).pem").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: OpenDFrameError.badKey("RSA key file \(path) is empty")) { try OpenDRSAKey(contentsOfFile: path) }
    }
}

@Suite struct EncryptedGatewayTests {
    @Test(arguments: [OpenDEncryption.Mode.cbc, .futuECB], [1024, 2048])
    func ourClientPagesThroughAnEncryptingGateway(mode: OpenDEncryption.Mode, bits: Int) async throws {
        let key = try rsaKey(bits: bits)
        let gateway = try await gateway(rsaKey: key)
        let client = try client(gateway, OpenDEncryption(rsaKey: key, mode: mode))
        let whole = try await client.wholeHistory(code: SecurityCode("HK.00700"), pageSize: 7)
        #expect(whole.hkRows == tencent[try SecurityCode("HK.00700")]!.hkRows)
        await client.close()
        await gateway.close()
    }

    @Test func aClientWithoutTheKeyGetsAClearRefusal() async throws {
        let gateway = try await gateway(rsaKey: try rsaKey())
        let client = try client(gateway, nil)
        await #expect {
            try await client.page(code: "HK.00700")
        } throws: { error in
            guard case let .rejected(retType, _, message) = error as? ShortInterestError else { return false }
            return retType == -1 && message.contains("requires protocol encryption")
        }
        await client.close()
        await gateway.close()
    }

    @Test func aWrongKeyIsAClearErrorNotAHang() async throws {
        let gateway = try await gateway(rsaKey: try rsaKey())
        let client = try client(gateway, OpenDEncryption(rsaKey: try rsaKey()))
        await #expect {
            try await client.page(code: "HK.00700")
        } throws: { error in
            guard case let .protocolError(message) = error as? ShortInterestError else { return false }
            return message.contains("InitConnect reply could not be decrypted")
        }
        await client.close()
        await gateway.close()
    }

    @Test func anEncryptingClientAgainstAPlainGatewayFailsFast() async throws {
        let gateway = try await gateway(rsaKey: nil)
        let client = try client(gateway, OpenDEncryption(rsaKey: try rsaKey()))
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: ShortInterestError.self) { try await client.page(code: "HK.00700") }
        #expect(clock.now - started < .seconds(4), "before the 5 s reply timeout")
        await client.close()
        await gateway.close()
    }
}
