import Foundation
public struct PorticoCommand { public static func main() {} }
