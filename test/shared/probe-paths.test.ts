import { describe, expect, it } from 'vitest';
import { isProbePath } from '../../src/shared/probe-paths.ts';

describe('isProbePath', () => {
  it.each([
    ['/.env'],
    ['/wp-login.php'],
    ['/%2e%2e/etc/passwd'],
    ['/.git/HEAD'],
    ['/backup.sql'],
    ['/config.php.bak'],
    ['/index.php~'],
    ['/phpmyadmin/'],
    ['/WP-ADMIN/'],
    ['/cgi-bin/test'],
    ['/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php'],
    ['/../../etc/shadow'],
  ])('takes %s for probing', (path) => {
    // Prepare
    const input = path;

    // Act
    const probe = isProbePath(input);

    // Assess
    expect(probe).toBe(true);
  });

  it.each([
    ['/'],
    ['/p/iphone-17/123'],
    ['/.well-known/security.txt'],
    ['/.well-known/apple-app-site-association'],
    ['/zoeken'],
    ['/glasvezel/abonnementen'],
    ['/blog/wp-tips'],
    ['/p/e.on-stekker'],
  ])('takes %s for an ordinary page', (path) => {
    // Prepare
    const input = path;

    // Act
    const probe = isProbePath(input);

    // Assess
    expect(probe).toBe(false);
  });
});
