import Foundation

/// The headers every page carries, in a `<meta>` (what any static host honours) and in host configuration files.
/// HSTS and Cross-Origin-Opener-Policy cannot be set by `<meta>`: only the host files carry them. HSTS has no
/// `includeSubDomains`, which would bind every other site under the same name.
public enum ContentSecurityPolicy {
    public static func forPages(feedbackEndpoint: String) -> String {
        var connect = "'self'"
        if let url = URL(string: feedbackEndpoint), let scheme = url.scheme, let host = url.host {
            connect += " \(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
        }
        return [
            "default-src 'none'",
            "script-src '\(GateScript.integrity)'",
            "style-src 'self'",
            "img-src 'self' blob: data:",
            "connect-src \(connect)",
            "base-uri 'none'",
            "form-action 'none'",
        ].joined(separator: "; ")
    }

    /// `_headers` for Netlify and Cloudflare Pages. Pages take the host's default `Cache-Control` (both send
    /// `public, max-age=0, must-revalidate`: every page is revalidated, so a revocation reaches readers at the next
    /// publish). A `Cache-Control` under `/*` as well would be joined with the assets' own on Cloudflare Pages, into
    /// a header that says both.
    public static func netlifyHeaders(feedbackEndpoint: String) -> String {
        """
        # Pages: the host's default Cache-Control, which revalidates every request.
        /*
          Content-Security-Policy: \(forPages(feedbackEndpoint: feedbackEndpoint)); frame-ancestors 'none'
          Referrer-Policy: no-referrer
          Strict-Transport-Security: max-age=31536000
          Cross-Origin-Opener-Policy: same-origin
          X-Robots-Tag: noindex, nofollow
          X-Content-Type-Options: nosniff
        /_portico/*
          Cache-Control: \(assetCaching)

        """
    }

    /// An nginx `server` snippet with the same headers. A `location` with an `add_header` of its own drops every
    /// `add_header` of the server block, so the assets' caching is a variable the one header reads instead.
    public static func nginxSnippet(feedbackEndpoint: String) -> String {
        """
        # Portico: include inside the server block that serves site/.
        set $portico_cache_control "\(pageCaching)";
        add_header Content-Security-Policy "\(forPages(feedbackEndpoint: feedbackEndpoint)); frame-ancestors 'none'" always;
        add_header Referrer-Policy "no-referrer" always;
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cross-Origin-Opener-Policy "same-origin" always;
        add_header X-Robots-Tag "noindex, nofollow" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header Cache-Control $portico_cache_control always;
        location / {
            try_files $uri $uri/index.html =404;
        }
        location /_portico/ {
            set $portico_cache_control "\(assetCaching)";
            try_files $uri =404;
        }

        """
    }

    /// Pages are revalidated on every request: a revocation or a new edition reaches readers at the next publish.
    static let pageCaching = "no-cache"
    /// The gate's script, stylesheet and theme assets may be cached briefly.
    static let assetCaching = "public, max-age=300"
}
