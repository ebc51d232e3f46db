/// The OpenD proto ids this project speaks.
public enum ProtoID {
    public static let initConnect: UInt32 = 1001
    /// A push OpenD sends on its own (system notifications); never a reply.
    public static let notify: UInt32 = 1003
    public static let keepAlive: UInt32 = 1004
    public static let getShortInterest: UInt32 = 3249
}
