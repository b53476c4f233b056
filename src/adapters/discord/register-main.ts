import { ConfigError, loadConfig } from '../../config.ts';
import { describeRegistration, registerCommands } from './register.ts';
import { errorFields } from './discord-errors.ts';

/** `npm run discord:register`: registers `/pins` for DISCORD_APPLICATION_ID, in DISCORD_GUILD_ID when set. */
async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (config.discord === undefined) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_GUILD_ID for one server) to register /pins.\n');
    return 1;
  }
  try {
    process.stdout.write(`${describeRegistration(await registerCommands(config.discord))}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`Registering /pins failed: ${JSON.stringify(errorFields(error, [config.discord.token]))}\n`);
    return 1;
  }
}

process.exitCode = await main();
