import Foundation

/// An sRGB colour with the WCAG 2 relative-luminance and contrast maths used to keep brand colours readable.
public struct Color: Equatable, Sendable, CustomStringConvertible {
    public var red: Double, green: Double, blue: Double  // 0...1

    public init(red: Double, green: Double, blue: Double) {
        self.red = min(max(red, 0), 1)
        self.green = min(max(green, 0), 1)
        self.blue = min(max(blue, 0), 1)
    }

    public init?(hex: String) {
        var text = hex.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("#") { text.removeFirst() }
        if text.count == 3 { text = text.map { "\($0)\($0)" }.joined() }
        guard text.count == 6, let value = UInt32(text, radix: 16) else { return nil }
        self.init(red: Double((value >> 16) & 0xff) / 255, green: Double((value >> 8) & 0xff) / 255, blue: Double(value & 0xff) / 255)
    }

    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let black = Color(red: 0, green: 0, blue: 0)

    public var hex: String {
        String(format: "#%02x%02x%02x", Int((red * 255).rounded()), Int((green * 255).rounded()), Int((blue * 255).rounded()))
    }

    public var description: String { hex }

    public var relativeLuminance: Double {
        func channel(_ c: Double) -> Double {
            // Quantise like a browser would, so the figure matches what is drawn.
            let c = (c * 255).rounded() / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    public func contrast(with other: Color) -> Double {
        let a = relativeLuminance, b = other.relativeLuminance
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    public func mixed(with other: Color, amount: Double) -> Color {
        Color(red: red + (other.red - red) * amount, green: green + (other.green - green) * amount, blue: blue + (other.blue - blue) * amount)
    }

    /// The lightest shade of this colour (mixed towards black) that reaches `ratio` against `background`.
    public func darkened(toContrast ratio: Double, against background: Color) -> Color {
        if contrast(with: background) >= ratio { return self }
        var low = 0.0, high = 1.0
        for _ in 0..<30 {
            let mid = (low + high) / 2
            if mixed(with: .black, amount: mid).contrast(with: background) >= ratio { high = mid } else { low = mid }
        }
        var shade = mixed(with: .black, amount: high)
        // Rounding to 8-bit channels can fall just short; step on until it holds.
        while shade.contrast(with: background) < ratio { shade = shade.mixed(with: .black, amount: 0.01) }
        return Color(hex: shade.hex)!
    }
}

/// The palette a brand colour drives, each pair checked against WCAG AA (4.5:1) for text.
public struct BrandPalette: Equatable, Sendable {
    public var accent: Color      // header and buttons
    public var accentInk: Color   // links and accent text on white
    public var accentSoft: Color  // tinted backgrounds
    public var onAccent: Color    // text on the accent
    /// True when the brand colour itself failed 4.5:1 on white and a darker shade was derived.
    public var adjusted: Bool

    public static let minimumContrast = 4.5
    /// The light backgrounds accent text sits on besides white: the theme's page background.
    public static let pageBackground = Color(hex: "#f7f6f2")!

    /// The light surfaces accent text is drawn on.
    public var surfaces: [Color] { [.white, Self.pageBackground, accentSoft] }

    /// The brand colour's worst contrast on those surfaces.
    public static func worstContrast(of color: Color) -> Double {
        let soft = color.mixed(with: .white, amount: 0.9)
        return [Color.white, pageBackground, soft].map { color.contrast(with: $0) }.min()!
    }

    public init(brand: Color) {
        accent = brand
        accentSoft = brand.mixed(with: .white, amount: 0.9)
        // Accent text must be readable on every light surface it is used on, not only on white.
        var ink = brand
        for background in [Color.white, Self.pageBackground, accentSoft] {
            ink = ink.darkened(toContrast: Self.minimumContrast, against: background)
        }
        accentInk = ink
        adjusted = ink != brand
        onAccent = brand.contrast(with: .white) >= brand.contrast(with: .black) ? .white : .black
        if onAccent.contrast(with: brand) < Self.minimumContrast {
            // Neither black nor white text is readable enough on the brand colour: use the derived ink as the accent.
            accent = ink
            onAccent = .white
            adjusted = true
        }
    }
}
