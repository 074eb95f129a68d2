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

    /// `_headers` for Netlify and Cloudflare Pages.
    public static func netlifyHeaders(feedbackEndpoint: String) -> String {
        """
        /*
          Content-Security-Policy: \(forPages(feedbackEndpoint: feedbackEndpoint)); frame-ancestors 'none'
          Referrer-Policy: no-referrer
          Strict-Transport-Security: max-age=31536000
          Cross-Origin-Opener-Policy: same-origin
          X-Robots-Tag: noindex, nofollow
          X-Content-Type-Options: nosniff
          Cache-Control: no-cache
        /_portico/*
          Cache-Control: public, max-age=300

        """
    }

    /// An nginx `server` snippet with the same headers.
    public static func nginxSnippet(feedbackEndpoint: String) -> String {
        """
        # Portico: include inside the server block that serves site/.
        add_header Content-Security-Policy "\(forPages(feedbackEndpoint: feedbackEndpoint)); frame-ancestors 'none'" always;
        add_header Referrer-Policy "no-referrer" always;
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cross-Origin-Opener-Policy "same-origin" always;
        add_header X-Robots-Tag "noindex, nofollow" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header Cache-Control "no-cache" always;
        location / {
            try_files $uri $uri/index.html =404;
        }

        """
    }
}
