import Foundation

/// The media type of an output file, by extension (the encrypted-asset script and the preview server both need it).
public enum MediaType {
    public static func of(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css"
        case "js": "text/javascript"
        case "json": "application/json"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "svg": "image/svg+xml"
        case "webp": "image/webp"
        case "avif": "image/avif"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }
}
